package dev.tally.bench;

import dev.tally.bench.store.EngineAppender;
import dev.tally.bench.store.SyntheticHistory;
import dev.tally.bench.store.Templates;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
        String user = o.getOrDefault("user", url.startsWith("jdbc:h2:") ? "sa" : "postgres");
        Result r = build(() -> connect(url, user), events, seed, batch, step);
        System.out.printf("seeded events    %d (%d tenants with templates)%n", r.seeded(), r.tenants());
        System.out.printf("appended events  %d in %.1f s: %.0f events/s%n", r.appended(), r.seconds(),
                r.appended() / r.seconds());
    }

    /** The figures of one build. */
    public record Result(long seeded, int tenants, long appended, double seconds) {
    }

    /** Events per H2 chunk: the file grows by about 5 KB per event until it is compacted, so it is, after each. */
    static final long H2_CHUNK = 1_000_000;

    /**
     * Appends {@code events} to the store {@code connections} opens. On H2 the store is compacted ({@code SHUTDOWN
     * COMPACT}) after every {@link #H2_CHUNK} events and at the end: H2 keeps every committed page version until then,
     * so a million events took 5.3 GB, 324 MB once compacted. The compaction time is part of the build time.
     */
    public static Result build(Connector connections, long events, long seed, int batch, Duration step)
            throws SQLException {
        Templates templates;
        boolean h2;
        try (Connection c = connections.open()) {
            templates = Templates.read(c);
            h2 = c.getMetaData().getURL().startsWith("jdbc:h2:");
        }
        SyntheticHistory history = new SyntheticHistory(templates, seed, events, step);
        long t0 = System.nanoTime();
        long appended = 0;
        while (appended < events) {
            long chunk = h2 ? Math.min(H2_CHUNK, events - appended) : events - appended;
            try (EngineAppender appender = new EngineAppender(connections.open(), batch)) {
                history.emit(chunk, e -> {
                    try {
                        appender.append(e);
                    } catch (SQLException ex) {
                        throw new IllegalStateException(ex);
                    }
                });
                appender.flush();
                appended += appender.appended();
            }
            if (h2) {
                try (Connection c = connections.open(); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN COMPACT");
                }
            }
            System.err.printf("[store] %d events appended, %.0f s%n", appended, (System.nanoTime() - t0) / 1e9);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(templates.seededEvents(), templates.tenants().size(), appended, seconds);
    }

    /** Opens a new connection to the store. */
    public interface Connector {
        Connection open() throws SQLException;
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
