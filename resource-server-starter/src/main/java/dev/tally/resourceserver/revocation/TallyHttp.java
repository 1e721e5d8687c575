package dev.tally.resourceserver.revocation;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;

/**
 * The few JSON requests the starter makes to Tally, each bounded by the one timeout (connect and answer), so that a
 * poll ends within it whatever the network does. JSON is read with Nimbus, which Spring Security's JOSE support
 * already brings.
 */
final class TallyHttp {
    private final HttpClient client;
    private final Duration timeout;

    TallyHttp(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> answer = client.send(request.timeout(timeout).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(answer.statusCode(), answer.body());
    }

    HttpRequest.Builder get(URI uri) {
        return HttpRequest.newBuilder(uri).GET();
    }

    record Answer(int status, String body) {
        Map<String, Object> json() throws IOException {
            try {
                return JSONObjectUtils.parse(body);
            } catch (ParseException e) {
                throw new IOException("Tally answered " + status + " with a body that is not a JSON object");
            }
        }
    }
}
