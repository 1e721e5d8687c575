package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.PoolOwnership;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * An operator's burst of RFC 7009 revocations against a fresh standalone server, over real HTTP: each round, 200
 * revocations released at once (100 refresh tokens and 100 access tokens of password grants with
 * {@code offline_access}, each of another family), with password grants and refreshes running among them. Every
 * answer must be the documented one (200 for each revocation, a token for each grant and refresh, never a 500), and
 * introspection must then find every revoked token inactive and the other families untouched.
 *
 * <p>One pooled connection used by two threads answered 500 to one in 200 such revocations, rarely enough to hide
 * in a short run, so the pool is also watched ({@link PoolOwnership}): no connection may be used after its borrower
 * gave it back, which is how it came to be shared. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class ConcurrentRevocationContract {
    static final String ADMIN = "concurrent-revocation-admin-token";
    static final String PASSWORD = "correct horse battery staple";
    /** Revocations of each kind per round: with the other kind, 200 at once. */
    static final int PER_KIND = 100;
    /** Password grants and refreshes running among the revocations of a round. */
    static final int ALONGSIDE = 20;
    static final int CLIENT_THREADS = 16;

    /** Wraps the server's pool in a {@link PoolOwnership} watch; every bean that uses the pool gets the watched one. */
    @TestConfiguration
    static class WatchedPool {
        @Bean
        static BeanPostProcessor watchThePool() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource pool && name.equals("dataSource") ? PoolOwnership.watch(pool) : bean;
                }
            };
        }
    }

    /** The password grant is the means here, not the subject: Argon2id at its lowest cost (stored hashes name it). */
    static void cheapPasswords(DynamicPropertyRegistry registry) {
        registry.add("tally.password.argon2.memory-kib", () -> "8");
        registry.add("tally.password.argon2.iterations", () -> "1");
    }

    @LocalServerPort
    int port;
    @Autowired
    DataSource dataSource;

    /** Rounds of the burst; each is 200 revocations. */
    abstract int rounds();

    record Setup(String tenant, String clientId, String clientSecret, String rsId, String rsSecret) {
        String api() {
            return "https://api." + tenant + ".test";
        }
    }

    record Tokens(String access, String refresh) {
    }

    /** What one request of the burst was, and what it was answered. */
    record Answer(String kind, Response response) {
    }

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /** A tenant whose API allows offline access, a confidential client with the password grant, a resource server, alice. */
    Setup setUp(String tenant) {
        TestHttp http = http();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api." + tenant + ".test",
                "name", "API", "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true))
                .status()).isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Legacy",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token")));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        Response rs = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Orders API",
                "app_type", "non_interactive"));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", PASSWORD)).status()).isEqualTo(201);
        return new Setup(tenant, client.text("client_id"), client.text("client_secret"), rs.text("client_id"),
                rs.text("client_secret"));
    }

    static Response passwordGrant(TestHttp http, Setup s) {
        return http.form("/t/" + s.tenant() + "/oauth/token", TestHttp.params("grant_type", "password",
                "username", "alice", "password", PASSWORD, "audience", s.api(), "scope", "offline_access read:orders"),
                s.clientId(), s.clientSecret());
    }

    static Tokens tokens(Response grant) {
        assertThat(grant.status()).as(grant.toString()).isEqualTo(200);
        assertThat(grant.text("refresh_token")).as(grant.toString()).isNotBlank();
        return new Tokens(grant.text("access_token"), grant.text("refresh_token"));
    }

    static Response refresh(TestHttp http, Setup s, String refreshToken) {
        return http.form("/t/" + s.tenant() + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "refresh_token", refreshToken), s.clientId(), s.clientSecret());
    }

    static Response revoke(TestHttp http, Setup s, String token) {
        return http.form("/t/" + s.tenant() + "/oauth/revoke", TestHttp.params("token", token), s.clientId(), s.clientSecret());
    }

    static boolean active(TestHttp http, Setup s, String token) {
        Response r = http.form("/t/" + s.tenant() + "/oauth/introspect", TestHttp.params("token", token), s.rsId(), s.rsSecret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }

    /** Runs the tasks on {@code threads} threads, all released at once, and answers their results in order. */
    static <T> List<T> concurrently(List<Callable<T>> tasks, int threads) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }

    @Test
    void twoHundredRevocationsAtOnceAreEachAnsweredAsDocumentedAndNoPooledConnectionIsShared() throws Exception {
        Setup s = setUp("burst");
        TestHttp http = http();
        // the watch may sit inside another wrapper (on H2, the one that makes commits durable)
        PoolOwnership pool = dataSource.unwrap(PoolOwnership.class);
        // kind -> status -> answers, over all rounds
        Map<String, Map<Integer, Integer>> answers = new ConcurrentHashMap<>();
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        int stillActive = 0;
        int collateral = 0;
        for (int round = 1; round <= rounds(); round++) {
            List<Callable<Response>> grants = new ArrayList<>();
            for (int i = 0; i < 2 * PER_KIND; i++) {
                grants.add(() -> passwordGrant(http, s));
            }
            List<Tokens> issued = concurrently(grants, CLIENT_THREADS).stream().map(ConcurrentRevocationContract::tokens).toList();
            // Each revoked token is of a family of its own: an access token is then inactive only if its own
            // revocation was recorded, not because its family ended.
            List<Tokens> refreshTargets = issued.subList(0, PER_KIND);
            List<Tokens> accessTargets = issued.subList(PER_KIND, 2 * PER_KIND);
            List<Tokens> refreshedAlongside = accessTargets.subList(0, ALONGSIDE);

            List<Callable<Answer>> burst = new ArrayList<>();
            refreshTargets.forEach(t -> burst.add(() -> new Answer("revoke refresh token", revoke(http, s, t.refresh()))));
            accessTargets.forEach(t -> burst.add(() -> new Answer("revoke access token", revoke(http, s, t.access()))));
            refreshedAlongside.forEach(t -> burst.add(() -> new Answer("refresh", refresh(http, s, t.refresh()))));
            for (int i = 0; i < ALONGSIDE; i++) {
                burst.add(() -> new Answer("password grant", passwordGrant(http, s)));
            }
            Collections.shuffle(burst);
            List<Answer> burstAnswers = concurrently(burst, burst.size());

            List<String> rotated = new ArrayList<>();
            for (Answer a : burstAnswers) {
                answers.computeIfAbsent(a.kind(), k -> new TreeMap<>()).merge(a.response().status(), 1, Integer::sum);
                boolean documented = a.response().status() == 200 && switch (a.kind()) {
                    case "revoke refresh token", "revoke access token" -> a.response().body().isEmpty();
                    default -> a.response().text("access_token") != null && a.response().text("refresh_token") != null;
                };
                if (!documented) {
                    unexpected.add("round " + round + ", " + a.kind() + ": " + a.response());
                } else if (a.kind().equals("refresh")) {
                    rotated.add(a.response().text("refresh_token"));
                }
            }

            List<Callable<Boolean>> mustBeInactive = new ArrayList<>();
            refreshTargets.forEach(t -> mustBeInactive.add(() -> active(http, s, t.refresh())));
            accessTargets.forEach(t -> mustBeInactive.add(() -> active(http, s, t.access())));
            stillActive += (int) concurrently(mustBeInactive, CLIENT_THREADS).stream().filter(b -> b).count();
            // Revoking an access token leaves its family alone; a family refreshed meanwhile lives on in its new token.
            List<Callable<Boolean>> mustBeActive = new ArrayList<>();
            accessTargets.subList(ALONGSIDE, PER_KIND).forEach(t -> mustBeActive.add(() -> active(http, s, t.refresh())));
            rotated.forEach(token -> mustBeActive.add(() -> active(http, s, token)));
            collateral += (int) concurrently(mustBeActive, CLIENT_THREADS).stream().filter(b -> !b).count();
        }

        int revocations = rounds() * 2 * PER_KIND;
        System.out.printf("%d rounds: %s; pool: %d borrowed, %d used after return, %d while another thread held it%n",
                rounds(), answers, pool.borrowed(), pool.usedAfterReturn(), pool.usedWhileAnotherHeldIt());
        int serverErrors = answers.values().stream().mapToInt(byStatus -> byStatus.getOrDefault(500, 0)).sum();
        assertThat(serverErrors).as("answers of 500, of %d revocations at once in %d rounds", 2 * PER_KIND, rounds()).isZero();
        assertThat(unexpected).as("answers that are not the documented ones, of %d revocations and %d grants and "
                + "refreshes alongside", revocations, rounds() * 2 * ALONGSIDE).isEmpty();
        assertThat(answers).containsOnly(
                Map.entry("revoke refresh token", Map.of(200, rounds() * PER_KIND)),
                Map.entry("revoke access token", Map.of(200, rounds() * PER_KIND)),
                Map.entry("refresh", Map.of(200, rounds() * ALONGSIDE)),
                Map.entry("password grant", Map.of(200, rounds() * ALONGSIDE)));
        assertThat(stillActive).as("revoked tokens that introspect active").isZero();
        assertThat(collateral).as("tokens of families nobody revoked that introspect inactive").isZero();
        // The watch saw the server's work: every grant, revocation and introspection borrows from the pool.
        assertThat(pool.borrowed()).isGreaterThan(revocations);
        assertThat(pool.usedAfterReturn())
                .as("calls on pooled connections after their borrower gave them back (of %d borrowed); the first: %s",
                        pool.borrowed(), pool.firstLateCall())
                .isZero();
        assertThat(pool.usedWhileAnotherHeldIt()).isZero();
    }
}
