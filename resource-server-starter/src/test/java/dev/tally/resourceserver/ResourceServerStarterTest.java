package dev.tally.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.resourceserver.revocation.RevocationList;
import dev.tally.resourceserver.revocation.RevocationPoller;
import dev.tally.testsupport.Await;
import dev.tally.testsupport.FaultyTcpProxy;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.ParseException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tally issue 18, item 5: a Spring Boot API with nothing but the starter and the {@code tally.*} properties, against a
 * real Tally (the standalone jar as a process). Tokens it must accept are accepted; a token revoked in Tally (by a
 * permission change, by RFC 7009, by ending its session) is refused within the documented delay,
 * {@code interval + timeout}, measured; other audiences, another {@code typ} and expired tokens are refused; and when
 * the revocation list cannot be read for longer than {@code max-staleness}, every token is refused.
 */
class ResourceServerStarterTest {
    static final String TENANT = "starter";
    static final String ORDERS = "https://orders.starter.test";
    static final String REPORTS = "https://reports.starter.test";
    static final String LEGACY = "https://legacy.starter.test";
    static final Duration INTERVAL = Duration.ofMillis(200);
    // the timeout is also the margin for Tally's own step, listing a revocation (the query side's view lag, up to about a
    // second measured on two shared cores): the assertions hold the end-to-end delay to interval + timeout
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final Duration BOUND = INTERVAL.plus(TIMEOUT);

    static TallyServer tally;
    static ShiftedClock clock = new ShiftedClock();
    static OrdersApi api;
    static String machineId;
    static String machineSecret;
    static String webId;
    static String webSecret;
    static String readerId;
    static String readerSecret;

    @BeforeAll
    static void tallyWithATenantItsApisClientsAndTheOrdersApi() {
        tally = new TallyServer();
        tally.admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", TENANT), 201);
        for (String api : List.of(ORDERS, REPORTS)) {
            tally.admin("POST", "/admin/tenants/" + TENANT + "/apis", Map.of("identifier", api, "name", api,
                    "token_lifetime", 600, "scopes", List.of("read:orders"), "allow_offline_access", true), 201);
        }
        tally.admin("POST", "/admin/tenants/" + TENANT + "/apis", Map.of("identifier", LEGACY, "name", LEGACY,
                "token_lifetime", 600, "token_dialect", "access_token"), 201);
        Response machine = tally.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "billing",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials")), 201);
        machineId = machine.text("client_id");
        machineSecret = machine.text("client_secret");
        Response web = tally.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "shop",
                "app_type", "regular_web", "grant_types", List.of("authorization_code", "refresh_token"),
                "callbacks", List.of(TallyServer.CALLBACK)), 201);
        webId = web.text("client_id");
        webSecret = web.text("client_secret");
        // the starter's own client: it may read the revocation list and nothing else
        Response reader = tally.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "orders-api",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials"),
                "management_scopes", List.of("revocations:read")), 201);
        readerId = reader.text("client_id");
        readerSecret = reader.text("client_secret");

        api = OrdersApi.start(clock, starterProperties(tally.issuer(TENANT) + "/revocations", INTERVAL,
                Duration.ofSeconds(30)));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (tally != null) {
            tally.close();
        }
    }

    /** The issue's test: the tenant's permission-change policy revokes the user's family, and the API follows. */
    @Test
    void aTokenRevokedByAPermissionChangeIsRefusedWithinIntervalPlusTimeout() throws Exception {
        String userId = user("alice");
        String token = tally.signIn(TENANT, webId, webSecret, "alice", "openid offline_access read:orders", ORDERS)
                .text("access_token");
        assertThat(claims(token).getStringClaim("fid")).as("a token issued with a refresh token names its family")
                .isNotNull();
        assertAccepted(api.getOrders(token), userId);

        long before = System.nanoTime();
        tally.admin("PATCH", "/admin/tenants/" + TENANT + "/users/" + userId,
                Map.of("permissions", List.of("read:orders", "write:orders")), 200);
        Await.await("the API to refuse the token", BOUND.plusSeconds(10),
                () -> api.getOrders(token).status() == 401);

        assertWithinBound("permission change", before);
        assertRefused(api.getOrders(token), "refresh token family was revoked");
        assertThat(api.meters().get("tally.revocations.refused").tag("reason", "revoked").functionCounter().count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aTokenRevokedByRfc7009IsRefusedByItsJti() {
        String token = tally.clientCredentials(TENANT, machineId, machineSecret, ORDERS);
        assertAccepted(api.getOrders(token), machineId);

        long before = System.nanoTime();
        Response revoked = tally.http().form("/t/" + TENANT + "/oauth/revoke", TestHttp.params("token", token),
                machineId, machineSecret);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        Await.await("the API to refuse the token", BOUND.plusSeconds(10), () -> api.getOrders(token).status() == 401);

        assertWithinBound("RFC 7009 revocation", before);
        assertRefused(api.getOrders(token), "the token was revoked");
        String another = tally.clientCredentials(TENANT, machineId, machineSecret, ORDERS);
        assertAccepted(api.getOrders(another), machineId);
    }

    /** No refresh token, so no {@code fid}: the session alone ({@code sid}) tells the token is revoked. */
    @Test
    void aTokenOfASessionTheAdministratorEndedIsRefusedByItsSid() throws Exception {
        String userId = user("bob");
        String token = tally.signIn(TENANT, webId, webSecret, "bob", "openid read:orders", ORDERS).text("access_token");
        String sid = claims(token).getStringClaim("sid");
        assertThat(sid).isNotNull();
        assertThat(claims(token).getStringClaim("fid")).isNull();
        assertAccepted(api.getOrders(token), userId);

        long before = System.nanoTime();
        tally.admin("DELETE", "/admin/tenants/" + TENANT + "/users/" + userId + "/sessions/" + sid, null, 204);
        Await.await("the API to refuse the token", BOUND.plusSeconds(10), () -> api.getOrders(token).status() == 401);

        assertWithinBound("session ended by the administrator", before);
        assertRefused(api.getOrders(token), "session was revoked");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        assertRefused(api.getOrders(tally.clientCredentials(TENANT, machineId, machineSecret, REPORTS)), "aud");
    }

    /** {@code typ: JWT} (an API with {@code token_dialect: access_token}) is not an RFC 9068 access token. */
    @Test
    void aTokenThatIsNotAtJwtIsRefused() {
        String token = tally.clientCredentials(TENANT, machineId, machineSecret, LEGACY);

        assertRefused(api.getOrders(token), "typ");
    }

    @Test
    void anExpiredTokenIsRefusedByTheApplicationsClock() throws Exception {
        String token = tally.clientCredentials(TENANT, machineId, machineSecret, ORDERS);
        assertAccepted(api.getOrders(token), machineId);
        Duration lifetime = Duration.between(claims(token).getIssueTime().toInstant(),
                claims(token).getExpirationTime().toInstant());
        try {
            // past the expiry and Spring's 60 s of clock skew
            clock.shift(lifetime.plusSeconds(61));

            assertRefused(api.getOrders(token), "expired");
        } finally {
            clock.shift(Duration.ZERO);
        }
    }

    /**
     * Tally out of reach (the list's address closed): tokens keep working while the list is younger than
     * {@code max-staleness}, then every token is refused (the default, {@code when-stale: refuse}), and the failures
     * and the staleness show in the metrics.
     */
    @Test
    void whenTheListCannotBeReadForLongerThanMaxStalenessEveryTokenIsRefused() throws Exception {
        Duration maxStaleness = Duration.ofSeconds(4);
        FaultyTcpProxy proxy = new FaultyTcpProxy("127.0.0.1", Integer.parseInt(tally.baseUrl().replaceAll(".*:", "")));
        String token = tally.clientCredentials(TENANT, machineId, machineSecret, ORDERS);
        try (OrdersApi cutOff = OrdersApi.start(clock, starterProperties("http://127.0.0.1:" + proxy.port() + "/t/"
                + TENANT + "/revocations", INTERVAL, maxStaleness))) {
            assertAccepted(cutOff.getOrders(token), machineId);

            proxy.close();
            long closed = System.nanoTime();
            RevocationPoller poller = cutOff.bean(RevocationPoller.class);
            Await.await("the API to refuse every token (polls failed: " + poller.failures() + ")",
                    maxStaleness.plus(BOUND).plusSeconds(10), () -> cutOff.getOrders(token).status() == 401);
            Duration took = Duration.ofNanos(System.nanoTime() - closed);

            assertThat(took).as("refused only once the list was older than max-staleness")
                    .isGreaterThanOrEqualTo(maxStaleness.minus(BOUND));
            assertRefused(cutOff.getOrders(token), "revocation list is older than 4 s");
            MeterRegistry meters = cutOff.meters();
            assertThat(meters.get("tally.revocations.poll.failures").functionCounter().count()).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("tally.revocations.staleness").gauge().value())
                    .isGreaterThan(maxStaleness.toSeconds());
            assertThat(meters.get("tally.revocations.delay.bound").gauge().value())
                    .isEqualTo(BOUND.toMillis() / 1000.0);
            assertThat(meters.get("tally.revocations.refused").tag("reason", "stale").functionCounter().count())
                    .isGreaterThanOrEqualTo(2);
        } finally {
            proxy.close();
        }
    }

    private static String[] starterProperties(String revocationsUri, Duration interval, Duration maxStaleness,
                                              String... more) {
        List<String> properties = new ArrayList<>(List.of("tally.issuer-uri=" + tally.issuer(TENANT),
                "tally.audience=" + ORDERS, "tally.revocations.client-id=" + readerId,
                "tally.revocations.client-secret=" + readerSecret, "tally.revocations.uri=" + revocationsUri,
                "tally.revocations.interval=" + interval.toMillis() + "ms",
                "tally.revocations.timeout=" + TIMEOUT.toMillis() + "ms",
                "tally.revocations.max-staleness=" + maxStaleness.toMillis() + "ms"));
        properties.addAll(List.of(more));
        return properties.toArray(String[]::new);
    }

    /** The delay measured, in the test's output for the record, then checked against the bound. */
    private static void assertWithinBound(String what, long sinceNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - sinceNanos);
        System.out.printf("revocation delay, %s: %d ms (bound %d ms)%n", what, took.toMillis(), BOUND.toMillis());
        assertThat(took).as("from the revoking request to the first refusal: %s", what).isLessThanOrEqualTo(BOUND);
    }

    /**
     * An application that starts after revocations reads the whole list, a page at a time, before its web server
     * serves: with an hour between polls, only the start-up poll can have read these, and none of them gets in.
     */
    @Test
    void aStartingApplicationReadsTheWholeListPageByPageBeforeItServes() {
        List<String> revoked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String token = tally.clientCredentials(TENANT, machineId, machineSecret, ORDERS);
            assertThat(tally.http().form("/t/" + TENANT + "/oauth/revoke", TestHttp.params("token", token), machineId,
                    machineSecret).status()).isEqualTo(200);
            revoked.add(token);
        }
        // listed by the query side (the running API refuses them all), before the new application starts
        Await.await("the running API to refuse the three tokens", BOUND.plusSeconds(10),
                () -> revoked.stream().allMatch(t -> api.getOrders(t).status() == 401));
        Duration hour = Duration.ofHours(1);

        try (OrdersApi starting = OrdersApi.start(clock, starterProperties(tally.issuer(TENANT) + "/revocations", hour,
                hour.multipliedBy(2), "tally.revocations.page-size=1"))) {
            for (String token : revoked) {
                assertRefused(starting.getOrders(token), "the token was revoked");
            }
            assertThat(starting.bean(RevocationPoller.class).entries()).isGreaterThanOrEqualTo(3);
            assertAccepted(starting.getOrders(tally.clientCredentials(TENANT, machineId, machineSecret, ORDERS)),
                    machineId);
        }
    }

    /**
     * The starter's management token is one per lifetime, not one per poll: Tally's audit counts the tokens issued to
     * the starter's client while a poller of its own polls three times, then once more after its clock has passed
     * the token's renewal.
     */
    @Test
    void theManagementTokenServesManyPollsAndIsRenewedWhenDue() {
        MutableClock time = new MutableClock(Instant.now());
        RevocationPoller poller = new RevocationPoller(tally.issuer(TENANT), URI.create(tally.issuer(TENANT)
                + "/revocations"), readerId, readerSecret, INTERVAL, TIMEOUT, 100, new RevocationList(Duration.ofHours(1)),
                time);
        int before = managementTokensIssued();

        for (int i = 0; i < 3; i++) {
            poller.pollOnce();
        }
        Await.await("the audit to show the management token", Duration.ofSeconds(10),
                () -> managementTokensIssued() >= before + 1);
        assertThat(managementTokensIssued()).isEqualTo(before + 1);

        time.advance(Duration.ofDays(1));
        poller.pollOnce();
        Await.await("the audit to show the renewed token", Duration.ofSeconds(10),
                () -> managementTokensIssued() >= before + 2);

        assertThat(poller.failures()).isZero();
        assertThat(poller.lastComplete()).isEqualTo(time.instant());
    }

    private static int managementTokensIssued() {
        Response audit = tally.admin("GET", "/admin/tenants/" + TENANT + "/audit?type=AccessTokenIssued&limit=1000&client_id="
                + readerId, null, 200);
        return audit.json().get("events").size();
    }

    private static String user(String username) {
        return tally.admin("POST", "/admin/tenants/" + TENANT + "/users", Map.of("username", username,
                "password", TallyServer.PASSWORD, "permissions", List.of("read:orders")), 201).text("user_id");
    }

    private static JWTClaimsSet claims(String token) throws ParseException {
        return SignedJWT.parse(token).getJWTClaimsSet();
    }

    private static void assertAccepted(Response answer, String subject) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.text("sub")).isEqualTo(subject);
    }

    /** RFC 6750 §3.1: 401 with {@code invalid_token} and a description that says why. */
    private static void assertRefused(Response answer, String why) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer").contains("error=\"invalid_token\"")
                .contains(why);
    }
}
