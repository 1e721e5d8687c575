package dev.tally.bench.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.scenario.Scenario;
import dev.tally.bench.server.Peer;
import java.net.URI;
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
        assertEquals(Scenario.PASSWORD, parse("--jar=x.jar", "--scenario=password").scenario());
        assertEquals("--scenario must be client_credentials, refresh, introspect or password, got: implicit",
                refused("--jar=x.jar", "--scenario=implicit"));
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

    private static final String KEYCLOAK =
            "--peer-token-url=http://127.0.0.1:8180/realms/bench/protocol/openid-connect/token";

    @Test
    void aPeerIsItsTokenEndpointAClientAndAUserAndRunsTheRefreshScenario() {
        LoadOptions o = parse(KEYCLOAK, "--peer-client=m2m:s3cret", "--peer-user=alice:pw", "--duration=5");
        Peer peer = o.peer();
        assertEquals(URI.create("http://127.0.0.1:8180/realms/bench/protocol/openid-connect/token"), peer.tokenUri());
        assertEquals(8180, peer.port());
        assertEquals("m2m", peer.clientId());
        assertEquals("s3cret", peer.clientSecret());
        assertEquals("alice", peer.username());
        assertEquals("pw", peer.password());
        assertNull(peer.scope(), "Keycloak returns a refresh token without one");
        assertNull(peer.pid(), "looked up by its port");
        assertEquals(Scenario.REFRESH, o.scenario(), "the only scenario a peer runs");
        assertNull(o.jar());
        assertNull(o.baseUrl());
        assertEquals(16, o.concurrency());
        assertEquals(5, o.durationSeconds());
        assertNull(parse("--jar=x.jar").peer());
    }

    @Test
    void aPeersCredentialsAreSplitAtTheFirstColonAndTheScopeAndPidAreOptional() {
        Peer peer = parse(KEYCLOAK, "--peer-client=m2m:s3:cr:et", "--peer-user=alice:p:w", "--scenario=refresh",
                "--peer-scope=offline_access", "--peer-pid=4242").peer();
        assertEquals("s3:cr:et", peer.clientSecret());
        assertEquals("alice", peer.username());
        assertEquals("p:w", peer.password());
        assertEquals("offline_access", peer.scope());
        assertEquals(4242L, peer.pid());
        assertNull(parse(KEYCLOAK, "--peer-client=m2m:s", "--peer-user=a:p", "--peer-scope= ").peer().scope());
        assertTrue(!peer.toString().contains("s3:cr:et") && !peer.toString().contains("p:w"), peer.toString());
    }

    @Test
    void aPeerIsRefusedWhatOnlyATallyTheToolProvisionsOrStartsCouldUse() {
        assertEquals("--peer-user applies to the refresh and password scenarios only",
                refused(KEYCLOAK, "--peer-client=m:s", "--peer-user=a:p", "--scenario=client_credentials"));
        assertEquals(Scenario.CLIENT_CREDENTIALS, parse(KEYCLOAK, "--peer-client=m:s", "--scenario=client_credentials")
                .scenario(), "the peer client's client_credentials need no user");
        assertEquals("--tenants does not apply to a peer: the tool does not provision it",
                refused(KEYCLOAK, "--peer-client=m:s", "--peer-user=a:p", "--tenants=2"));
        assertEquals("--admin-token does not apply to a peer: the tool does not provision it",
                refused(KEYCLOAK, "--peer-client=m:s", "--peer-user=a:p", "--admin-token=t"));
        assertEquals("--server-args only applies with --jar",
                refused(KEYCLOAK, "--peer-client=m:s", "--peer-user=a:p", "--server-args=--a=b"));
        assertEquals("give exactly one of --jar, --base-url or --peer-token-url",
                refused(KEYCLOAK, "--jar=x.jar", "--peer-client=m:s", "--peer-user=a:p"));
        assertEquals("give exactly one of --jar, --base-url or --peer-token-url", refused("--concurrency=2"));
    }

    @Test
    void aPeerNeedsBothPairsOnLoopbackAndItsOptionsNeedAPeer() {
        assertEquals("--peer-token-url needs --peer-client=ID:SECRET", refused(KEYCLOAK, "--peer-user=a:p"));
        assertEquals("--peer-token-url needs --peer-client=ID:SECRET",
                refused(KEYCLOAK, "--peer-client=m2m", "--peer-user=a:p"));
        assertEquals("--peer-token-url needs --peer-user=NAME:PASSWORD",
                refused(KEYCLOAK, "--peer-client=m:s", "--peer-user=alice:"));
        assertEquals("--peer-pid must be in [1, 9223372036854775807], got: 0",
                refused(KEYCLOAK, "--peer-client=m:s", "--peer-user=a:p", "--peer-pid=0"));
        assertEquals("--peer-token-url must point to a loopback address (127.0.0.1, localhost, [::1]): "
                        + "http://192.0.2.1:8180/realms/bench/protocol/openid-connect/token",
                refused("--peer-token-url=http://192.0.2.1:8180/realms/bench/protocol/openid-connect/token",
                        "--peer-client=m:s", "--peer-user=a:p"));
        assertEquals("--peer-user only applies with --peer-token-url", refused("--jar=x.jar", "--peer-user=a:p"));
        assertEquals("--peer-scope only applies with --peer-token-url",
                refused("--base-url=http://127.0.0.1:9", "--admin-token=t", "--peer-scope=openid"));
    }

    @Test
    void theUsageNamesThePeerOptions() {
        for (String option : List.of("--peer-token-url=URL", "--peer-client=ID:SECRET", "--peer-user=NAME:PASSWORD",
                "--peer-scope=SCOPE", "--peer-pid=PID")) {
            assertTrue(LoadOptions.USAGE.contains(option), option);
        }
    }
}
