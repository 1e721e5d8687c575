package dev.tally.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.provision.TenantClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenRequestSourceTest {

    @Test
    void theTokenRequestSourceGoesRoundTheTenantsFromItsOwnStart() {
        HttpRequest a = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/a")).build();
        HttpRequest b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/b")).build();
        TokenRequestSource source = new TokenRequestSource(List.of(a, b), 3);
        assertEquals(List.of(b, a, b), List.of(source.next(), source.next(), source.next()));
        assertTrue(source.survivesFailure());
        assertNull(source.onSuccess("anything"));
    }

    @Test
    void theTokenRequestIsAFormWithTheClientsCredentialsAndTheBenchAudience() throws Exception {
        TenantClient client = new TenantClient("bench-2", "cid", "s3cr&t=",
                URI.create("http://127.0.0.1:1/t/bench-2/oauth/token"), null, null, null);
        HttpRequest request = TokenRequestSource.tokenRequest(client);
        assertEquals("POST", request.method());
        assertEquals(URI.create("http://127.0.0.1:1/t/bench-2/oauth/token"), request.uri());
        assertEquals("application/x-www-form-urlencoded", request.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("grant_type=client_credentials&client_id=cid&client_secret=s3cr%26t%3D"
                + "&audience=https%3A%2F%2Fapi.bench.test", RefreshRotationSourceTest.body(request));
    }
}
