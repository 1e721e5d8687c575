package dev.tally.bench;

import dev.tally.bench.store.EngineAppender;
import dev.tally.bench.store.SyntheticHistory;
import dev.tally.bench.store.Templates;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Grows a store the real server has seeded (tenants, APIs, clients, keys, users and a few refresh families, created
 * over HTTP by the load tool: see {@code benchmarks/build-store.sh}) to a large one: appends synthetic refresh families
 * and access-token issuance records, copies of the seeded payloads with new ids, directly through Axon's storage
 * engine. The server must be stopped (an H2 file is opened by one process).
 *
 * <pre>
 * StoreBuilder --jdbc-url=jdbc:h2:file:DATA_DIR/tally | jdbc:postgresql://127.0.0.1:5432/DB [--user=postgres]
 *              [--events=10000000] [--seed=17] [--batch=2000] [--step-ms=10]
 * </pre>
 * Prints the figures of the build on standard output (events, seconds, events/s).
 */
public final class StoreBuilder {
    private StoreBuilder() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String url = require(o, "jdbc-url");
        long events = Long.parseLong(o.getOrDefault("events", "10000000"));
        long seed = Long.parseLong(o.getOrDefault("seed", "17"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "2000"));
        Duration step = Duration.ofMillis(Long.parseLong(o.getOrDefault("step-ms", "10")));
        Result r = build(connect(url, o.getOrDefault("user", url.startsWith("jdbc:h2:") ? "sa" : "postgres")),
                events, seed, batch, step);
        System.out.printf("seeded events    %d (%d tenants with templates)%n", r.seeded(), r.tenants());
        System.out.printf("appended events  %d in %.1f s: %.0f events/s%n", r.appended(), r.seconds(),
                r.appended() / r.seconds());
    }

    /** The figures of one build. */
    public record Result(long seeded, int tenants, long appended, double seconds) {
    }

    public static Result build(Connection connection, long events, long seed, int batch, Duration step)
            throws SQLException {
        Templates templates = Templates.read(connection);
        SyntheticHistory history = new SyntheticHistory(templates, seed, events, step);
        long t0 = System.nanoTime();
        long next = 1_000_000;
        try (EngineAppender appender = new EngineAppender(connection, batch)) {
            long[] progress = {next};
            history.emit(events, e -> {
                try {
                    appender.append(e);
                } catch (SQLException ex) {
                    throw new IllegalStateException(ex);
                }
                if (appender.appended() >= progress[0]) {
                    System.err.printf("[store] %d events appended, %.0f s%n", appender.appended(),
                            (System.nanoTime() - t0) / 1e9);
                    progress[0] += 1_000_000;
                }
            });
            appender.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(templates.seededEvents(), templates.tenants().size(), appender.appended(), seconds);
        }
    }

    static Connection connect(String url, String user) throws SQLException {
        String password = System.getenv().getOrDefault("PGPASSWORD", "");
        return DriverManager.getConnection(url, user, url.startsWith("jdbc:h2:") ? "" : password);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("options are --name=value, got: " + a);
            }
            o.put(a.substring(2, eq), a.substring(eq + 1));
        }
        return o;
    }

    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
