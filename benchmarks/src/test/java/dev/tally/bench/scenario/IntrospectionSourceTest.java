package dev.tally.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IntrospectionSourceTest {
    private final IntrospectionSource source = new IntrospectionSource(List.of(
            new IntrospectionSource.Prepared(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/a")).build(), "a"),
            new IntrospectionSource.Prepared(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/b")).build(), "b")),
            1);

    @Test
    void anActiveAnswerWithJtiAndClientIsValid() {
        assertNull(source.validate("{\"active\":true,\"jti\":\"j1\",\"client_id\":\"a\",\"exp\":1}"));
    }

    @Test
    void anInactiveAnswerIsACheapRefusalNotTheWorkMeasured() {
        assertEquals("active is false, expected true", source.validate("{\"active\":false}"));
        assertEquals("active is null, expected true", source.validate("{}"));
        assertEquals("an active answer without jti or client_id", source.validate("{\"active\":true,\"jti\":\"j1\"}"));
        assertTrue(source.validate("not json").startsWith("bad JSON: "));
    }

    /** Keycloak's benchmark realm: a token of 60 s is renewed every 30 s, so a run never introspects an expired one. */
    @Test
    void aTokenIsRenewedAtHalfItsLifetimeAndNeverWithoutOne() {
        assertEquals(30, IntrospectionSource.Prepared.renewEvery(60));
        assertEquals(1800, IntrospectionSource.Prepared.renewEvery(3600));
        assertEquals(1, IntrospectionSource.Prepared.renewEvery(1));
        assertEquals(0, IntrospectionSource.Prepared.renewEvery(0));
    }

    @Test
    void aRenewedTokensRequestIsWhatEveryWorkerSendsFromThen() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        IntrospectionSource.Prepared prepared = IntrospectionSource.Prepared.renewing(
                () -> new IntrospectionSource.Prepared.Issued(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:1/token-" + issued.incrementAndGet())).build(), 0), "a");
        IntrospectionSource first = new IntrospectionSource(List.of(prepared), 0);
        IntrospectionSource second = new IntrospectionSource(List.of(prepared), 1);
        assertEquals("/token-1", first.next().uri().getPath());

        prepared.renew();

        assertEquals("/token-2", first.next().uri().getPath());
        assertEquals("/token-2", second.next().uri().getPath());
        assertEquals(2, issued.get());
    }

    @Test
    void eachWorkerGoesRoundTheTenantsFromItsOwnStart() {
        assertEquals(List.of("/b", "/a", "/b"), List.of(source.next().uri().getPath(), source.next().uri().getPath(),
                source.next().uri().getPath()));
        assertTrue(source.survivesFailure());
        assertNull(source.onSuccess("anything"));
    }
}
