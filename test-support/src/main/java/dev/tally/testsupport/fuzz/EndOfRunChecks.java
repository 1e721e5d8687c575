package dev.tally.testsupport.fuzz;

import dev.tally.testsupport.fuzz.Fixture.Client;
import dev.tally.testsupport.fuzz.Fixture.Witnesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What must hold when a run has ended, each check reporting what it found: health {@code UP}; every tenant, client
 * and token made before the run intact and working (the {@link Witnesses} exactly as they were read before, their
 * credentials still accepted, their tokens still active; the target tenant still serving); every view {@code live}
 * at the head of the store; no secret the run used in the server's log.
 */
public final class EndOfRunChecks {
    /** Views may be replaying (the run may have asked for replays) or catching up with the run's last events. */
    private static final Duration VIEWS_SETTLE = Duration.ofSeconds(90);
    /** The client-authentication throttle's window is a minute by default; a witness waits at most that once. */
    private static final Duration MAX_THROTTLE_WAIT = Duration.ofSeconds(61);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern EXCEPTION = Pattern.compile(
            "^(?:Caused by: )?((?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error))(?::\\s?(.*))?$", Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final Fixture fixture;
    private final Secrets secrets;
    private int throttleWaits;

    EndOfRunChecks(String baseUrl, Fixture fixture, Secrets secrets) {
        this.baseUrl = baseUrl;
        this.fixture = fixture;
        this.secrets = secrets;
    }

    /** One check: its name, what it found, and the problems (none when it passed). */
    public record Check(String name, String found, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /** Waits (up to {@link #VIEWS_SETTLE}) for every view to be live at the head. */
    Check views() {
        long deadline = System.nanoTime() + VIEWS_SETTLE.toNanos();
        List<String> problems;
        String found;
        while (true) {
            problems = new ArrayList<>();
            HttpResponse<String> answer = get("/admin/projections", fixture.adminToken());
            List<String> states = new ArrayList<>();
            if (answer.statusCode() != 200) {
                problems.add("GET /admin/projections answered " + answer.statusCode() + ": " + secrets.mask(answer.body()));
            } else {
                JsonNode views = JSON.readTree(answer.body()).path("projections");
                if (views.isEmpty()) {
                    problems.add("GET /admin/projections lists no view");
                }
                for (JsonNode view : views) {
                    String name = view.path("name").asString();
                    String status = view.path("status").asString();
                    long lag = view.path("lag_events").asLong(-1);
                    states.add(name + " " + status + " (position " + view.path("position").asLong() + ", head "
                            + view.path("head").asLong() + ", lag " + lag + ")");
                    if (!status.equals("live") || lag != 0) {
                        problems.add("view " + name + " is " + status + " with lag " + lag
                                + (view.has("failure") ? ", failure " + secrets.mask(view.get("failure").toString()) : ""));
                    }
                }
            }
            found = String.join("; ", states);
            if (problems.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            pause(500);
        }
        return new Check("every view live at the head", found, problems);
    }

    Check health() {
        HttpResponse<String> answer = get("/actuator/health", null);
        List<String> problems = new ArrayList<>();
        String status = answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("status").asString() : "?";
        if (answer.statusCode() != 200 || !status.equals("UP")) {
            problems.add("GET /actuator/health answered " + answer.statusCode() + " " + secrets.mask(answer.body()));
        }
        return new Check("health UP", answer.statusCode() + " " + status, problems);
    }

    /**
     * The witnesses read exactly as before the run; their clients still get tokens; their tokens still introspect
     * active; the witness user's refresh token still refreshes; both tenants still serve their discovery document.
     */
    Check witnesses() {
        Witnesses w = fixture.witnesses();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, String> before : w.representations().entrySet()) {
            checked++;
            HttpResponse<String> now = get(before.getKey(), fixture.adminToken());
            if (now.statusCode() != 200) {
                problems.add("GET " + before.getKey() + " answered " + now.statusCode() + ": " + secrets.mask(now.body()));
            } else if (!JSON.readTree(now.body()).equals(JSON.readTree(before.getValue()))) {
                problems.add(before.getKey() + " changed: before " + secrets.mask(before.getValue()) + ", now "
                        + secrets.mask(now.body()));
            }
        }
        for (String tenant : List.of(fixture.tenant(), w.tenant())) {
            checked++;
            HttpResponse<String> discovery = get("/t/" + tenant + "/.well-known/openid-configuration", null);
            if (discovery.statusCode() != 200) {
                problems.add("tenant " + tenant + "'s discovery answered " + discovery.statusCode());
            }
            checked++;
            HttpResponse<String> row = get("/admin/tenants/" + tenant, fixture.adminToken());
            if (row.statusCode() != 200) {
                problems.add("GET /admin/tenants/" + tenant + " answered " + row.statusCode());
            }
        }
        checked++;
        expectToken(problems, fixture.tenant(), w.client(), "the witness client's client_credentials grant",
                Map.of("grant_type", "client_credentials", "audience", w.apiIdentifier()));
        checked++;
        expectToken(problems, w.tenant(), w.otherTenantClient(), "the other tenant's client_credentials grant",
                Map.of("grant_type", "client_credentials", "audience", w.otherTenantApiIdentifier()));
        for (Map.Entry<String, String> token : Map.of(
                "the witness client's access token", w.accessToken(),
                "the witness user's access token", w.userAccessToken(),
                "the witness user's refresh token", w.userRefreshToken()).entrySet()) {
            checked++;
            expectActive(problems, fixture.tenant(), w.client(), token.getKey(), token.getValue());
        }
        checked++;
        expectActive(problems, w.tenant(), w.otherTenantClient(), "the other tenant's access token", w.otherTenantAccessToken());
        checked++;
        expectToken(problems, fixture.tenant(), w.client(), "the witness user's refresh grant",
                Map.of("grant_type", "refresh_token", "refresh_token", w.userRefreshToken()));
        return new Check("every tenant, client and token made before the run intact and working",
                checked + " checks" + (throttleWaits == 0 ? "" : " (" + throttleWaits
                        + " waited once for the run's address to leave the client-authentication throttle)"), problems);
    }

    /** No secret the run used (or the server handed out during it) appears in the server's log. */
    Check log(String log) {
        List<String> problems = secrets.findIn(log).stream().map(Secrets.Leak::toString).toList();
        return new Check("no secret in the server's log", secrets.size() + " secrets searched in "
                + log.length() + " characters of log", problems);
    }

    /** The exceptions the server's log names, with how often, most frequent first (for the report, not a check). */
    List<String> exceptionsIn(String log) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Matcher m = EXCEPTION.matcher(log);
        while (m.find()) {
            String message = m.group(2) == null ? "" : m.group(2);
            message = message.length() > 160 ? message.substring(0, 160) + "..." : message;
            counts.merge(m.group(1) + (message.isEmpty() ? "" : ": " + secrets.mask(message)), 1, Integer::sum);
        }
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getValue() + "x " + e.getKey()).toList();
    }

    private void expectToken(List<String> problems, String tenant, Client client, String what, Map<String, String> form) {
        HttpResponse<String> answer = post(tenant, "token", client, form);
        if (answer.statusCode() != 200) {
            problems.add(what + " answered " + answer.statusCode() + ": " + secrets.mask(answer.body()));
            return;
        }
        JsonNode tokens = JSON.readTree(answer.body());
        for (String name : List.of("access_token", "refresh_token", "id_token")) {
            if (tokens.hasNonNull(name)) {
                secrets.add(what + " after the run (" + name + ")", tokens.get(name).asString());
            }
        }
        if (!tokens.hasNonNull("access_token")) {
            problems.add(what + " answered 200 without an access token");
        }
    }

    private void expectActive(List<String> problems, String tenant, Client client, String what, String token) {
        HttpResponse<String> answer = post(tenant, "introspect", client, Map.of("token", token));
        if (answer.statusCode() != 200 || !JSON.readTree(answer.body()).path("active").asBoolean()) {
            problems.add(what + " is no longer active: introspection answered " + answer.statusCode() + " "
                    + secrets.mask(answer.body()));
        }
    }

    /**
     * A witness's request to an OAuth endpoint. The run's wrong secrets come from the address these checks come from,
     * so the client-authentication throttle may make that address wait (429, {@code Retry-After}): that is the
     * throttle working on the run, not harm to the witness, so the request waits as asked (at most
     * {@link #MAX_THROTTLE_WAIT}) and is sent once more; what it then answers is what counts.
     */
    private HttpResponse<String> post(String tenant, String endpoint, Client client, Map<String, String> form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/t/" + tenant + "/oauth/" + endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Draft.basicCredentials(client.id(), client.secret()))
                .POST(HttpRequest.BodyPublishers.ofString(Provisioning.formEncode(form)));
        HttpResponse<String> answer = send(request);
        if (answer.statusCode() == 429) {
            long seconds = answer.headers().firstValueAsLong("Retry-After").orElse(MAX_THROTTLE_WAIT.toSeconds());
            pause(Math.min(seconds, MAX_THROTTLE_WAIT.toSeconds()) * 1000 + 100);
            throttleWaits++;
            answer = send(request);
        }
        return answer;
    }

    private HttpResponse<String> get(String path, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("checking after the run: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
