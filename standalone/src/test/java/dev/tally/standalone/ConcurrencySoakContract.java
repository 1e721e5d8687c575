package dev.tally.standalone;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Ordinary concurrency over HTTP, as an operator's first try found the views stopping for good: 200 password grants
 * with {@code offline_access} at once, then 200 RFC 7009 revocations of those families at once. Concurrent
 * transactions commit out of the order of their global indexes; every view must still reach the head. Within 10 s
 * of the last answer the audit has exactly one row per stored event, the revocation list names all 200 families,
 * and introspection agrees with the list. Run on H2 and on PostgreSQL.
 */
abstract class ConcurrencySoakContract {
    static final String ADMIN = "soak-admin-token";
    static final int LOGINS = 200;
    static final Duration WITHIN = Duration.ofSeconds(10);

    @LocalServerPort
    int port;
    @Autowired
    EventStorageEngine storage;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    @Test
    void twoHundredConcurrentLoginsAndRevocationsReachEveryViewWithinTenSeconds() throws Exception {
        OfflineTenant t = OfflineTenant.create(http(), "soak");
        List<Response> logins = all(LOGINS, i -> t.passwordGrant());
        assertThat(statuses(logins)).as("answers to %d concurrent password grants", LOGINS).isEqualTo(Map.of(200, LOGINS));
        List<String> refreshTokens = logins.stream().map(r -> r.text("refresh_token")).toList();
        Set<String> families = refreshTokens.stream().map(RefreshTokens::familyOf).collect(Collectors.toSet());
        assertThat(families).hasSize(LOGINS);

        List<Response> revocations = all(LOGINS, i -> t.revoke(refreshTokens.get(i)));
        assertThat(statuses(revocations)).as("answers to %d concurrent revocations", LOGINS).isEqualTo(Map.of(200, LOGINS));
        long answered = System.nanoTime();

        await("the revocation list names all " + LOGINS + " families", WITHIN,
                () -> listedFamilies(t).containsAll(families));
        await("the audit has exactly one row per stored event of the tenant", WITHIN.minusNanos(System.nanoTime() - answered),
                () -> auditMatchesStore(t));
        System.out.printf("soak: %d logins and %d revocations; views complete %d ms after the last answer%n", LOGINS,
                LOGINS, (System.nanoTime() - answered) / 1_000_000);

        Set<String> listed = listedFamilies(t);
        assertThat(listed).isEqualTo(families);
        List<Boolean> active = all(LOGINS, i -> t.active(refreshTokens.get(i)));
        assertThat(active).as("introspection agrees with the list: every revoked family's token is inactive")
                .containsOnly(false);
        for (String view : List.of("audit", "sessions", "revocations", "token-config", "token-revocations")) {
            Response status = http().admin("GET", "/admin/projections/" + view, null);
            assertThat(status.json().get("status").asString()).as(status.toString()).isEqualTo("live");
        }
        Response health = http().get("/actuator/health");
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
    }

    interface Call<T> {
        T call(int i) throws Exception;
    }

    static <T> List<T> all(int n, Call<T> call) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<T>) () -> call.call(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }

    static Map<Integer, Integer> statuses(List<Response> responses) {
        Map<Integer, Integer> counts = new TreeMap<>();
        responses.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        return counts;
    }

    /** Every family on the revocation list, read from the start by its cursor. */
    Set<String> listedFamilies(OfflineTenant t) {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            Response r = http().admin("GET", "/t/" + t.tenant() + "/revocations?limit=100"
                    + (cursor == null ? "" : "&since=" + cursor), null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            r.json().get("revocations").forEach(e -> {
                if (e.has("family_id")) {
                    ids.add(e.get("family_id").asString());
                }
            });
            if (!r.json().get("has_more").asBoolean()) {
                return ids;
            }
            cursor = r.json().get("next_cursor").asString();
        }
        throw new AssertionError("the revocation list did not end");
    }

    boolean auditMatchesStore(OfflineTenant t) {
        Response r = http().adminGet("/admin/tenants/" + t.tenant() + "/audit", "application/x-ndjson");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> audited = r.body().lines().map(line -> TestHttp.parse(line).get("event_id").asString()).toList();
        return audited.size() == new HashSet<>(audited).size() && new HashSet<>(audited).equals(storedEventIds(t.tenant()));
    }

    Set<String> storedEventIds(String tenant) {
        return StoredEvents.idsOfTenant(storage, tenant);
    }
}
