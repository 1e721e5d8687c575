package dev.tally.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.fake.FakePeerServer;
import dev.tally.bench.http.BenchException;
import dev.tally.bench.provision.TenantClient;
import dev.tally.bench.server.Peer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The refresh scenario's per-worker request source. */
class RefreshRotationSourceTest {

    @Test
    void theSourcePresentsTheTokenOfTheLastAnswerAndRefusesAnAnswerThatIsNotARotation() throws Exception {
        TenantClient client = new TenantClient("bench", "cid", "s3cr&t",
                URI.create("http://127.0.0.1:1/t/bench/oauth/token"), "bench-user", "pw", null);
        RefreshRotationSource source = new RefreshRotationSource(FamilyEndpoint.of(client), "rtf_a.first");
        assertTrue(!source.survivesFailure());
        assertEquals("grant_type=refresh_token&client_id=cid&client_secret=s3cr%26t&refresh_token=rtf_a.first",
                body(source.next()));
        assertEquals(URI.create("http://127.0.0.1:1/t/bench/oauth/token"), source.next().uri());

        String second = answer("rtf_a.second", 3600);
        assertNull(source.validate(second));
        assertNull(source.onSuccess(second));
        assertEquals("rtf_a.second", source.current());
        assertTrue(body(source.next()).endsWith("&refresh_token=rtf_a.second"));

        String same = answer("rtf_a.second", 3600);
        assertEquals("the refresh_token was not rotated: the answer returned the presented token", source.validate(same));
        assertEquals("the refresh_token was not rotated: the answer returned the presented token", source.onSuccess(same));
        assertEquals("rtf_a.second", source.current(), "a refused answer does not replace the token");

        String none = answer(null, 3600);
        assertEquals("no refresh_token in the answer to a refresh with rotation", source.onSuccess(none));
        assertEquals("expires_in is 60, expected 3600", source.validate(answer("rtf_a.third", 60)));
        assertEquals("rtf_a.second", source.current());
    }

    @Test
    void tallysFamiliesStartWithTheBenchAudienceAndOfflineAccess() {
        TenantClient client = new TenantClient("bench", "cid", "s3cr&t",
                URI.create("http://127.0.0.1:1/t/bench/oauth/token"), "bench-user", "p&w", null);
        assertEquals("grant_type=password&client_id=cid&client_secret=s3cr%26t&username=bench-user&password=p%26w"
                + "&audience=https%3A%2F%2Fapi.bench.test&scope=offline_access",
                RefreshRotationSource.passwordForm(FamilyEndpoint.of(client)));
    }

    @Test
    void aPeersFamiliesStartWithItsClientAndUserAndNoAudienceAndTheScopeOnlyWhenOneIsGiven() {
        URI uri = URI.create("http://127.0.0.1:1/realms/bench/protocol/openid-connect/token");
        assertEquals("grant_type=password&client_id=m2m&client_secret=s3cret&username=alice&password=p+w",
                RefreshRotationSource.passwordForm(FamilyEndpoint.of(new Peer(uri, "m2m", "s3cret", "alice", "p w",
                        null, null))));
        assertEquals("grant_type=password&client_id=m2m&client_secret=s3cret&username=alice&password=pw"
                + "&scope=offline_access",
                RefreshRotationSource.passwordForm(FamilyEndpoint.of(new Peer(uri, "m2m", "s3cret", "alice", "pw",
                        "offline_access", null))));
    }

    @Test
    void aPeersAnswersMustRotateButTheirLifetimeIsThePeersOwn() throws Exception {
        URI uri = URI.create("http://127.0.0.1:1/realms/bench/protocol/openid-connect/token");
        RefreshRotationSource source = new RefreshRotationSource(
                FamilyEndpoint.of(new Peer(uri, "m2m", "s3cret", "alice", "pw", null, null)), "kc.first");
        assertFalse(source.survivesFailure());
        assertEquals("grant_type=refresh_token&client_id=m2m&client_secret=s3cret&refresh_token=kc.first",
                body(source.next()));
        assertEquals(uri, source.next().uri());

        assertNull(source.validate(answer("kc.second", 60)), "Keycloak's realm says 60 s");
        assertNull(source.validate(answer("kc.second", 300)));
        assertNull(source.onSuccess(answer("kc.second", 60)));
        assertEquals("kc.second", source.current());
        assertEquals("the refresh_token was not rotated: the answer returned the presented token",
                source.validate(answer("kc.second", 60)));
        assertEquals("no refresh_token in the answer to a refresh with rotation", source.onSuccess(answer(null, 60)));
        assertEquals("expires_in is 0, expected a positive number of seconds", source.validate(answer("kc.third", 0)));
        assertEquals("kc.second", source.current());
    }

    @Test
    void aFamilyStartsAtAPeerOrTheRunEndsWithThePeersWords() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            URI uri = URI.create(peer.tokenUrl());
            FamilyEndpoint endpoint = FamilyEndpoint.of(new Peer(uri, "m2m", "s3cret", "alice", "pw", null, null));
            String first = RefreshRotationSource.passwordGrant(http, endpoint);
            assertTrue(first.startsWith("kc."), first);
            assertNotEquals(first, RefreshRotationSource.passwordGrant(http, endpoint), "a family per grant");
            assertEquals(Map.of("grant_type", "password", "client_id", "m2m", "client_secret", "s3cret",
                    "username", "alice", "password", "pw"), peer.passwordForms().get(0));

            FamilyEndpoint wrongPassword = FamilyEndpoint.of(new Peer(uri, "m2m", "s3cret", "alice", "nope", null,
                    null));
            assertEquals("password grant for the peer failed: HTTP 401 {\"error\":\"invalid_grant\","
                    + "\"error_description\":\"Invalid user credentials\"}",
                    assertThrows(BenchException.class, () -> RefreshRotationSource.passwordGrant(http, wrongPassword))
                            .getMessage());
            assertEquals(2, peer.passwordForms().size());
        } finally {
            http.shutdownNow();
        }
    }

    private static String answer(String refreshToken, long expiresIn) {
        return "{\"access_token\":\"h.p.s\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
                + (refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"") + "}";
    }

    /** The form a prepared request would send. */
    static String body(HttpRequest request) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        request.bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<>() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                text.append(StandardCharsets.UTF_8.decode(item));
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(text.toString());
            }
        });
        return done.get(5, TimeUnit.SECONDS);
    }
}
