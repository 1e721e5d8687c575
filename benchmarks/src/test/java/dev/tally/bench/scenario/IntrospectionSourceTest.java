package dev.tally.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
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

    @Test
    void eachWorkerGoesRoundTheTenantsFromItsOwnStart() {
        assertEquals(List.of("/b", "/a", "/b"), List.of(source.next().uri().getPath(), source.next().uri().getPath(),
                source.next().uri().getPath()));
        assertTrue(source.survivesFailure());
        assertNull(source.onSuccess("anything"));
    }
}
