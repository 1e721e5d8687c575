package dev.tally.standalone;

import static dev.tally.standalone.LoginFlowEndToEndTest.CALLBACK;
import static dev.tally.standalone.LoginFlowEndToEndTest.VERIFIER;
import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.Browser;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.RefreshTabs;
import dev.tally.testsupport.RefreshTabs.FollowUp;
import dev.tally.testsupport.RefreshTabs.Plan;
import dev.tally.testsupport.RefreshTabs.Tally;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the refresh races on the standalone server share ({@link RefreshRaceContract},
 * {@link RefreshRaceCutsOnPostgresTest}): the server with a clock the test moves, a tenant whose logins start
 * families, the rounds ({@link RefreshTabs}) with a new login every few rounds so that nothing rests on one long
 * family, the genuine reuse that ends each family, and the invariants every round must keep. Neither tenant nor
 * client sets a leeway: the tenant default applies.
 */
abstract class RefreshRaces {
    static final String ADMIN = "refresh-race-admin-token";
    static final String PASSWORD = "correct horse battery staple";
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    static final long SEED = Long.getLong("tally.race.seed", System.nanoTime());
    /** The tenant default of {@code refresh_token_leeway}; nothing here sets another. */
    static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock raceClock() {
            return CLOCK;
        }
    }

    private static long classStarted;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void startClock() {
        classStarted = System.nanoTime();
    }

    @AfterAll
    static void printWallTime(TestInfo info) {
        System.out.printf("%s: %d s, the server's start included%n", info.getDisplayName(),
                Duration.ofNanos(System.nanoTime() - classStarted).toSeconds());
    }

    static Plan plan(int round) {
        Plan plan = Plan.of(round % 2 == 0 ? FollowUp.ONE_BY_ONE : FollowUp.AT_ONCE);
        return round % 4 == 3 ? plan.droppingOne(round % 8 == 7) : plan;
    }

    /** What a race showed: its tally, and what went wrong when its families ended with a genuine reuse. */
    record Run(Tally tally, int reuses, List<String> reuseProblems) {
    }

    /**
     * The rounds in a tenant of their own; each family that came through unbroken ends with a genuine reuse, of each
     * kind by turns.
     */
    Run race(String tenant, int tabs, int rounds, int roundsPerFamily, IntFunction<Plan> plans) throws Exception {
        long started = System.nanoTime();
        RaceTenant t = RaceTenant.create(http(), tenant);
        List<String> reuseProblems = new ArrayList<>();
        AtomicInteger reuses = new AtomicInteger();
        Tally tally;
        try (RefreshTabs race = new RefreshTabs(tabs, "/t/" + tenant + "/oauth/token", t.clientId(), t.clientSecret(),
                (tab, round, attempt) -> "http://localhost:" + port, SEED, family -> revocations(family) > 0)) {
            race.run(rounds, roundsPerFamily, plans, new RefreshTabs.Families<Login>() {
                @Override
                public Login login() {
                    return t.login(port);
                }

                @Override
                public void end(Login login, RefreshTabs tabsOfTheFamily, int index) {
                    reuses.incrementAndGet();
                    reuseProblems.addAll(endWithAGenuineReuse(t, login, tabsOfTheFamily,
                            Reuse.values()[index % Reuse.values().length]));
                }
            });
            tally = race.tally();
        }
        System.out.printf("refresh race on %s, %d tabs: %s; %d genuine reuses; seed %d; %d s%n", store(), tabs, tally,
                reuses.get(), SEED, Duration.ofNanos(System.nanoTime() - started).toSeconds());
        return new Run(tally, reuses.get(), reuseProblems);
    }

    /** The invariants of every round, with the counts in the messages ({@link Tally#violations}). */
    static void assertRoundInvariants(Tally t, int rounds) {
        assertThat(t.violations(rounds, SEED)).as("invariants of %d rounds", rounds).isEmpty();
    }

    /** What a genuine reuse presents. */
    enum Reuse {
        TWO_GENERATIONS_OLD("a token two generations old"),
        /** at 29 s it must still get its successor: the default leeway is 30 s */
        PREVIOUS_AFTER_THE_LEEWAY("the previous token 31 s after its rotation"),
        /** the login's token, many generations and several snapshots of the family back */
        FIRST_OF_THE_FAMILY("the family's first token");

        final String description;

        Reuse(String description) {
            this.description = description;
        }
    }

    /**
     * A genuine reuse ends the family: invalid_grant, the family revoked for reuse in the store, its current token
     * refused, its current refresh token and latest access token inactive, its login session ended. Answers what went
     * wrong, described; nothing if all went as it must.
     */
    List<String> endWithAGenuineReuse(RaceTenant t, Login login, RefreshTabs race, Reuse kind) {
        List<String> problems = new ArrayList<>();
        String family = race.familyId();
        List<String> chain = race.chain();
        String current = chain.getLast();
        String accessToken = race.latestAccessToken();
        Response reuse;
        if (kind == Reuse.PREVIOUS_AFTER_THE_LEEWAY) {
            String previous = chain.get(chain.size() - 2);
            CLOCK.advance(DEFAULT_LEEWAY.minusSeconds(1));
            Response within = t.refresh(previous);
            if (within.status() != 200 || !current.equals(within.text("refresh_token"))) {
                problems.add(family + ": the previous token 29 s after its rotation got " + within
                        + ", not 200 with its successor (the default leeway is 30 s)");
            } else {
                accessToken = within.text("access_token");
            }
            CLOCK.advance(Duration.ofSeconds(2));
            reuse = t.refresh(previous);
        } else {
            reuse = t.refresh(kind == Reuse.FIRST_OF_THE_FAMILY ? chain.getFirst() : chain.get(chain.size() - 3));
        }
        String how = kind.description + (kind == Reuse.FIRST_OF_THE_FAMILY ? " (of " + chain.size() + ")" : "");
        if (reuse.status() != 400 || !"invalid_grant".equals(reuse.text("error"))) {
            problems.add(family + ": " + how + " got " + reuse + ", not invalid_grant");
        }
        List<String> revoked = events(family, "RefreshTokenFamilyRevoked");
        if (revoked.size() != 1 || !revoked.get(0).contains("\"reason\":\"REUSE\"")) {
            problems.add(family + ": after " + how + " the store has these revocations: " + revoked);
        }
        Response currentAfter = t.refresh(current);
        if (currentAfter.status() != 400) {
            problems.add(family + ": its current token after the reuse got " + currentAfter);
        }
        if (t.active(current)) {
            problems.add(family + ": its current refresh token is active at introspection after the reuse");
        }
        String latestAccess = accessToken;
        try {
            await(family + "'s latest access token inactive", Duration.ofSeconds(10), () -> !t.active(latestAccess));
            await(family + "'s login session ended", Duration.ofSeconds(10),
                    () -> "login_required".equals(t.silentLogin(login.browser()).get("error")));
        } catch (AssertionError e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    abstract String store();

    /** Revocations of the family in the store. */
    int revocations(String familyId) {
        return events(familyId, "RefreshTokenFamilyRevoked").size();
    }

    List<String> events(String familyId, String type) {
        return jdbc.queryForList("SELECT payload FROM domain_event_entry WHERE aggregate_identifier = ? AND payload_type"
                + " LIKE ?", byte[].class, familyId, "%$" + type).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    /** Tokens of one login, and the browser that holds its session. */
    record Login(Browser browser, String refreshToken, String accessToken) implements RefreshTabs.Family {
    }

    /**
     * A tenant with default refresh settings, an API that allows offline access, a confidential web client with the
     * code flow and refresh grant (it also introspects), and the user alice.
     */
    record RaceTenant(TestHttp http, String tenant, String clientId, String clientSecret) {
        static RaceTenant create(TestHttp http, String tenant) {
            created(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)));
            created(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api." + tenant
                    + ".test", "name", "API", "token_lifetime", 3600, "scopes", List.of("read:orders"),
                    "allow_offline_access", true)));
            Response client = created(http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Shop",
                    "app_type", "regular_web", "callbacks", List.of(CALLBACK),
                    "grant_types", List.of("authorization_code", "refresh_token"))));
            created(http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                    "password", PASSWORD)));
            return new RaceTenant(http, tenant, client.text("client_id"), client.text("client_secret"));
        }

        static Response created(Response response) {
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            return response;
        }

        static String familyOf(String refreshToken) {
            return refreshToken.substring(0, refreshToken.indexOf('.'));
        }

        /** A login in a new browser: the code flow with {@code offline_access}, a new session and a new family. */
        Login login(int port) {
            Browser browser = new Browser("http://localhost:" + port);
            String code = LoginFlowEndToEndTest.login(browser, tenant, clientId, PASSWORD, "openid offline_access read:orders");
            Response tokens = http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                    "code", code, "redirect_uri", CALLBACK, "code_verifier", VERIFIER), clientId, clientSecret);
            assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
            assertThat(tokens.text("refresh_token")).as(tokens.toString()).isNotNull();
            return new Login(browser, tokens.text("refresh_token"), tokens.text("access_token"));
        }

        Response refresh(String refreshToken) {
            return http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                    "refresh_token", refreshToken), clientId, clientSecret);
        }

        boolean active(String token) {
            Response r = http.form("/t/" + tenant + "/oauth/introspect", TestHttp.params("token", token), clientId,
                    clientSecret);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            return r.json().get("active").asBoolean();
        }

        /** {@code prompt=none} in the login's browser: a code while its session lives, else the error. */
        Map<String, String> silentLogin(Browser browser) {
            HttpResponse<String> r = browser.get(LoginFlowEndToEndTest.authorizePath(tenant, clientId, "&prompt=none"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
            return Browser.redirectParams(r);
        }
    }
}
