package dev.tally.console.api;

import dev.tally.console.api.Credential;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;
import org.springframework.web.util.UriUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's only source of data: the management API over HTTP, called with the signed-in credential, so a page
 * can never show more than that credential may read. By default this very server (the address and port the
 * browser's request arrived on); {@code tally.console.api-base-url} points it elsewhere.
 */
public class AdminApi {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI baseUrl;
    private final Duration timeout;
    private final HttpClient http;

    /** @param baseUrl the API's base URL, or null for this server (see {@code tally.console.api-base-url}) */
    public AdminApi(URI baseUrl, Duration timeout) {
        this.baseUrl = baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** An answer of the API: its status and its JSON body (a missing node when it had none). */
    public record Answer(int status, JsonNode body) {
    }

    /**
     * {@code GET path?query} (path segments encoded by the caller, query values encoded here; null values left
     * out). A 2xx answers its body; anything else is an {@link ApiRefusal}.
     */
    public JsonNode get(HttpServletRequest origin, Credential credential, String path, Map<String, String> query) {
        Answer answer = send(origin, credential.bearer(), path, query);
        if (answer.status() / 100 != 2) {
            throw refusal(answer);
        }
        return answer.body();
    }

    /** The answer whatever its status: for sign-in, which learns who a credential is from what it may read. */
    public Answer send(HttpServletRequest origin, String bearer, String path, Map<String, String> query) {
        URI uri = URI.create(base(origin) + path + queryString(query));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + bearer).header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // the URI holds no credential; the exception's message is safe to show
            throw new ApiUnreachable("GET " + uri.getPath() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiUnreachable("interrupted while calling the management API", e);
        }
        return new Answer(response.statusCode(), parse(response.body()));
    }

    /**
     * A management token for a management client of {@code tenant}: {@code client_credentials} at the tenant's token
     * endpoint for the audience {@code urn:tally:management}. Null when the endpoint refuses (its reason is not shown:
     * it would tell a guesser which of id and secret was wrong). The secret is used for this request only.
     */
    public String managementToken(HttpServletRequest origin, String tenant, String clientId, String clientSecret) {
        URI uri = URI.create(base(origin) + "/t/" + UriUtils.encodePathSegment(tenant,
                StandardCharsets.UTF_8) + "/oauth/token");
        // RFC 6749 §2.3.1: id and secret form-encoded before they are joined for Basic
        String basic = Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Basic " + basic).header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&audience="
                        + encode("urn:tally:management"))).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiUnreachable("POST " + uri.getPath() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiUnreachable("interrupted while calling the token endpoint", e);
        }
        JsonNode body = parse(response.body());
        return response.statusCode() == 200 && body.path("access_token").isString() ? body.path("access_token").asString()
                : null;
    }

    private static ApiRefusal refusal(Answer answer) {
        JsonNode body = answer.body();
        String title = body.path("title").isString() ? body.path("title").asString() : "HTTP " + answer.status();
        String detail = body.path("detail").isString() ? body.path("detail").asString()
                : "the management API answered " + answer.status();
        return new ApiRefusal(answer.status(), title, detail);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            return JSON.missingNode();
        }
    }

    private String base(HttpServletRequest origin) {
        if (baseUrl != null) {
            String base = baseUrl.toString();
            return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }
        String address = origin.getLocalAddr();
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return "http://" + host + ":" + origin.getLocalPort() + origin.getContextPath();
    }

    /** URLEncoder: a '+' in a value must reach the API as a plus, not a space. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String queryString(Map<String, String> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                q.add(encode(name) + "=" + encode(value));
            }
        });
        return q.toString();
    }
}
