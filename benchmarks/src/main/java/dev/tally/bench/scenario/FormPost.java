package dev.tally.bench.scenario;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The requests every scenario sends: a form POST to a tenant's OAuth endpoint, answered in JSON. */
public final class FormPost {
    /** How long one request may take; the load loop's last wait for its workers allows for it. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private FormPost() {
    }

    /** An immutable request, so one prepared request may be sent again and again, by any thread. */
    static HttpRequest to(URI endpoint, String form) {
        return HttpRequest.newBuilder(endpoint)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
