package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.testsupport.Await;
import dev.tally.testsupport.ServiceProcess;
import dev.tally.testsupport.TestHttp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The large-store tools end to end, small: the standalone jar seeded over HTTP by the load tool, {@link StoreBuilder}
 * appending 20,000 events to its H2 store, and the server started again on that store: it starts, its views reach
 * the head, a built tenant issues tokens, the audit shows a synthetic family and time travel reads its past.
 * Correctness only; the figures come from benchmarks/run-large-store.sh.
 */
class LargeStoreSmokeTest {
    private static final Path JAR = Path.of(System.getProperty("tally.standalone.jar", "../standalone/target/tally.jar"));
    private static final Duration STARTUP = Duration.ofMinutes(2);
    private static final int EVENTS = 20_000;

    @TempDir
    Path work;

    @Test
    void aStoreGrownByTheBuilderStartsAndServesItsTenants() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        String admin = "smoke-admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        Map<String, String> env = Map.of("TALLY_DATA_DIR", data.toString(), "TALLY_ADMIN_TOKEN", admin);

        int port = ServiceProcess.freePort();
        try (ServiceProcess seed = ServiceProcess.startJar("large-store-seed", JAR, env, port, STARTUP)) {
            assertEquals(0, load(seed.url(), admin, "--scenario=refresh", "--concurrency=3"));
            assertEquals(0, load(seed.url(), admin, "--concurrency=2"));
        }

        StoreBuilder.Result built = StoreBuilder.build(
                () -> DriverManager.getConnection("jdbc:h2:file:" + data.resolve("tally"), "sa", ""),
                EVENTS, 17, 2_000, Duration.ofMillis(10));
        assertTrue(built.appended() >= EVENTS, "appended " + built.appended());
        assertEquals(3, built.tenants());

        try (ServiceProcess server = ServiceProcess.startJar("large-store", JAR, env, port, STARTUP)) {
            TestHttp http = new TestHttp(server.url(), admin);
            Await.await("every view live at the head", Duration.ofMinutes(3), () -> allLive(http, built));

            // a built tenant still issues tokens: the load tool reuses it and adds a client
            assertEquals(0, load(server.url(), admin, "--concurrency=2"));

            JsonNode page = http.admin("GET", "/admin/tenants/bench-2/audit?type=TokenRotated&limit=5", null).json();
            JsonNode newest = page.path("events").path(0);
            assertFalse(newest.isMissingNode(), page.toString());
            String family = newest.path("family_id").asString();
            long generation = newest.path("details").path("generation").asLong();
            assertTrue(generation >= 2, newest.toString());

            JsonNode ofFamily = http.admin("GET", "/admin/tenants/bench-2/audit?family_id=" + family, null).json();
            // its start, its access tokens, its rotations: one token per rotation and one at the start
            assertEquals(2 * generation, ofFamily.path("events").size(), ofFamily.toString());

            Instant rotated = Instant.parse(newest.path("occurred_at").asString());
            TestHttp.Response past = http.admin("GET", "/admin/tenants/bench-2/refresh-token-families/" + family
                    + "?at=" + rotated.minusMillis(1), null);
            assertEquals(200, past.status(), past.body());
            assertEquals(generation - 1, past.json().path("generation").asLong(), past.body());
        }
    }

    private static boolean allLive(TestHttp http, StoreBuilder.Result built) {
        JsonNode views = http.admin("GET", "/admin/projections", null).json().path("projections");
        boolean live = !views.isEmpty();
        for (JsonNode v : views) {
            live &= "live".equals(v.path("status").asString()) && v.path("lag_events").asLong(-1) == 0
                    && v.path("head").asLong() >= built.appended();
        }
        return live;
    }

    private static int load(String baseUrl, String admin, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "--base-url=" + baseUrl;
        all[1] = "--admin-token=" + admin;
        all[2] = "--tenants=3";
        all[3] = "--warmup=0";
        all[4] = "--duration=1";
        System.arraycopy(args, 0, all, 5, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ClientCredentialsLoad.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        if (status != 0) {
            System.err.println(out.toString(StandardCharsets.UTF_8));
        }
        return status;
    }
}
