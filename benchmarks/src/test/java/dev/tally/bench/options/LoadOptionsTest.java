package dev.tally.bench.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.scenario.Scenario;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    private static LoadOptions parse(String... args) {
        return LoadOptions.parse(args, Map.of());
    }

    private static String refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    @Test
    void theScenarioIsClientCredentialsUnlessRefreshIsAskedFor() {
        assertEquals(Scenario.CLIENT_CREDENTIALS, parse("--jar=x.jar").scenario());
        assertEquals(Scenario.CLIENT_CREDENTIALS, parse("--jar=x.jar", "--scenario=client_credentials").scenario());
        assertEquals(Scenario.REFRESH, parse("--jar=x.jar", "--scenario=refresh").scenario());
        assertEquals(Scenario.INTROSPECT, parse("--jar=x.jar", "--scenario=introspect").scenario());
        assertEquals("--scenario must be client_credentials, refresh or introspect, got: password",
                refused("--jar=x.jar", "--scenario=password"));
    }

    @Test
    void serverArgsAreSplitOnWhitespaceAndGoOnlyToAServerTheToolStarts() {
        LoadOptions o = parse("--jar=x.jar", "--server-args= --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/b"
                + "   --spring.datasource.username=postgres ", "--server-jvm-args=-Xmx1g");
        assertEquals(List.of("--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/b",
                "--spring.datasource.username=postgres"), o.serverArgs());
        assertEquals(List.of("-Xmx1g"), o.serverJvmArgs());
        assertEquals(List.of(), parse("--jar=x.jar").serverArgs());
        assertEquals(List.of(), parse("--jar=x.jar", "--server-args=").serverArgs());
        assertEquals("--server-args only applies with --jar",
                refused("--base-url=http://127.0.0.1:9", "--admin-token=t", "--server-args=--a=b"));
    }

    @Test
    void serverArgsMayNotSetWhatTheToolSets() {
        for (String reserved : List.of("--server.port=1", "--server.address=0.0.0.0", "--tally.data-dir=/tmp/x")) {
            String message = refused("--jar=x.jar", "--server-args=--a=b " + reserved);
            assertTrue(message.startsWith("--server-args must not set " + reserved.substring(0, reserved.indexOf('='))),
                    message);
        }
    }

    @Test
    void theUsageNamesTheNewOptions() {
        assertTrue(LoadOptions.USAGE.contains("--scenario=refresh"));
        assertTrue(LoadOptions.USAGE.contains("--server-args=ARGS"));
    }
}
