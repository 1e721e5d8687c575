package dev.tally.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.provision.TenantClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
        RefreshRotationSource source = new RefreshRotationSource(client, "rtf_a.first");
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
