package dev.tally.testsupport;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser as far as the login flow needs one: keeps cookies, does not follow redirects, submits forms. */
public final class Browser {
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;
    private final String baseUrl;

    public Browser(String baseUrl) {
        this(baseUrl, null);
    }

    /** A browser whose connections leave from {@code localAddress} (see {@code TestHttp.loopback}); null: any. */
    public Browser(String baseUrl, InetAddress localAddress) {
        HttpClient.Builder builder = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5));
        this.client = (localAddress == null ? builder : builder.localAddress(localAddress)).build();
        this.baseUrl = baseUrl;
    }

    public HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET());
    }

    public HttpResponse<String> post(String path, Map<String, String> form) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    /**
     * A user at Tally's login page: opens {@code authorizePathAndQuery}, fills in the form Tally shows with the
     * username and password, and returns the answer to the submission (on success a 302 to the client's callback,
     * with {@code code} and {@code state}, or an error).
     */
    public HttpResponse<String> logIn(String authorizePathAndQuery, String tenant, String username, String password) {
        HttpResponse<String> form = get(authorizePathAndQuery);
        if (form.statusCode() != 200) {
            throw new AssertionError("the login page answered " + form.statusCode() + ": " + form.body());
        }
        return post("/t/" + tenant + "/login", Map.of("request", hidden(form.body(), "request"),
                "csrf", hidden(form.body(), "csrf"), "username", username, "password", password));
    }

    /** The value of the cookie of this name the browser holds (any path), or null. */
    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    public void forgetCookies() {
        cookies.getCookieStore().removeAll();
    }

    /** The value of a hidden input of the page's form. */
    public static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no hidden input '" + name + "' in: " + html);
        }
        return m.group(1);
    }

    /** The query parameters of a redirect's Location. */
    public static Map<String, String> redirectParams(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "no Location; status " + response.statusCode() + ": " + response.body()));
        Map<String, String> params = new LinkedHashMap<>();
        String query = URI.create(location).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    public static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
