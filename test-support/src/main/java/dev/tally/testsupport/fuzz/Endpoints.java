package dev.tally.testsupport.fuzz;

import dev.tally.testsupport.fuzz.Endpoint.Body;
import dev.tally.testsupport.fuzz.Fixture.Client;
import dev.tally.testsupport.fuzz.Fixture.Code;
import dev.tally.testsupport.fuzz.Fixture.LoginForm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every endpoint of the standalone server, read from the controllers ({@code @GetMapping} and the like in the command,
 * query and token services and the platform) and the actuator endpoints it exposes, each with a valid request: real
 * tenants, clients, users, tokens, codes, sessions and login forms of the {@link Fixture}, so that a spoiled request
 * still reaches deep into the code behind the endpoint rather than stopping at a 404.
 *
 * <p>Which of the fixture's resources a path names depends on the method: reads may name anything, witnesses
 * included; changes name the targets; deletions name the spares (see {@link Fixture}).
 */
final class Endpoints {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String MANAGEMENT_AUDIENCE = "urn:tally:management";
    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)}");
    private static final String T = "/admin/tenants/{tenant}";

    private Endpoints() {
    }

    static List<Endpoint> all() {
        List<Endpoint> all = new ArrayList<>();
        // The OAuth endpoints (token-service): one entry per grant of the token endpoint.
        all.add(form("client_credentials", "/t/{tenant}/oauth/token", Set.of("scope"), Set.of(), (d, p) -> {
            Client client = p.chance(0.85) ? p.fixture.confidential() : p.fixture.management();
            clientAuth(d, p, client);
            d.form("grant_type", "client_credentials");
            d.form("audience", client == p.fixture.management() ? MANAGEMENT_AUDIENCE : p.fixture.apiIdentifier());
            if (p.chance(0.6)) {
                d.form("scope", p.oneOf("read", "read write", "write"));
            }
        }));
        all.add(form("password", "/t/{tenant}/oauth/token", Set.of("scope"), Set.of(), (d, p) -> {
            // the native app is refused the password grant (a public client): a quarter of these ask anyway
            clientAuth(d, p, p.chance(0.75) ? p.fixture.confidential() : p.fixture.nativeApp());
            d.form("grant_type", "password");
            d.form("username", p.fixture.user().username());
            d.form("password", p.chance(0.5) ? p.fixture.user().password() : p.alnum(20));
            if (p.chance(0.7)) {
                d.form("audience", p.fixture.apiIdentifier());
            }
            if (p.chance(0.7)) {
                d.form("scope", p.oneOf("openid offline_access read", "read", "openid"));
            }
        }));
        all.add(form("refresh_token", "/t/{tenant}/oauth/token", Set.of("scope"), Set.of(), (d, p) -> {
            List<String> refresh = p.fixture.tokens().refreshTokens();
            int which = p.random.nextInt(refresh.size());
            // the first was issued to the confidential client (password grant), the second to the SPA (login)
            clientAuth(d, p, which == 0 ? p.fixture.confidential() : p.fixture.spa());
            d.form("grant_type", "refresh_token");
            d.form("refresh_token", refresh.get(which));
            if (p.chance(0.3)) {
                d.form("scope", p.oneOf("read", "openid read", "offline_access"));
            }
        }));
        all.add(form("authorization_code", "/t/{tenant}/oauth/token", Set.of(), Set.of(), (d, p) -> {
            Code code = p.oneOf(p.fixture.tokens().codes());
            clientAuth(d, p, p.chance(0.8) ? p.fixture.spa() : p.fixture.confidential());
            d.form("grant_type", "authorization_code");
            d.form("code", code.code());
            d.form("redirect_uri", p.fixture.callback());
            d.form("code_verifier", code.verifier());
        }));
        all.add(form("unsupported grant", "/t/{tenant}/oauth/token", Set.of(), Set.of(), (d, p) -> {
            clientAuth(d, p, p.fixture.confidential());
            d.form("grant_type", p.oneOf("implicit", "urn:ietf:params:oauth:grant-type:device_code",
                    "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:jwt-bearer"));
        }));
        all.add(form(null, "/t/{tenant}/oauth/introspect", Set.of(), Set.of(), (d, p) -> {
            clientAuth(d, p, p.chance(0.8) ? p.fixture.confidential() : p.fixture.management());
            d.form("token", anyToken(p));
            if (p.chance(0.3)) {
                d.form("token_type_hint", p.oneOf("access_token", "refresh_token"));
            }
        }));
        all.add(form(null, "/t/{tenant}/oauth/revoke", Set.of(), Set.of(), (d, p) -> {
            clientAuth(d, p, p.chance(0.7) ? p.fixture.confidential() : p.fixture.spa());
            d.form("token", anyToken(p));
            if (p.chance(0.3)) {
                d.form("token_type_hint", p.oneOf("access_token", "refresh_token"));
            }
        }));
        Set<String> authorizeLists = Set.of("scope", "prompt", "response_type");
        all.add(endpoint("GET", null, "/t/{tenant}/authorize", Body.NONE, authorizeLists, Set.of("max_age"),
                (d, p) -> authorize(d, p, false)));
        all.add(endpoint("POST", null, "/t/{tenant}/authorize", Body.FORM, authorizeLists, Set.of("max_age"),
                (d, p) -> authorize(d, p, true)));
        all.add(form(null, "/t/{tenant}/login", Set.of(), Set.of(), (d, p) -> {
            LoginForm form = p.oneOf(p.fixture.loginForms());
            d.form("request", form.requestId());
            d.form("csrf", form.csrf());
            d.form("username", p.fixture.user().username());
            // mostly wrong: a right one uses the form up
            d.form("password", p.chance(0.1) ? p.fixture.user().password() : p.alnum(16));
            d.cookie("tally_login", form.binding());
        }));
        all.add(endpoint("GET", null, "/t/{tenant}/logout", Body.NONE, Set.of(), Set.of(), (d, p) -> logout(d, p, false)));
        all.add(endpoint("POST", null, "/t/{tenant}/logout", Body.FORM, Set.of(), Set.of(), (d, p) -> logout(d, p, true)));
        all.add(endpoint("GET", null, "/t/{tenant}/userinfo", Body.NONE, Set.of(), Set.of(),
                (d, p) -> d.bearer(p.oneOf(p.fixture.tokens().accessTokens()))));
        all.add(endpoint("POST", null, "/t/{tenant}/userinfo", Body.FORM, Set.of(), Set.of(), (d, p) -> {
            if (p.chance(0.5)) {
                d.bearer(p.oneOf(p.fixture.tokens().accessTokens()));
                d.form("unused", "x");
            } else {
                d.form("access_token", p.oneOf(p.fixture.tokens().accessTokens()));
            }
        }));
        all.add(get("/t/{tenant}/.well-known/openid-configuration", (d, p) -> { }));
        all.add(get("/t/{tenant}/.well-known/oauth-authorization-server", (d, p) -> { }));
        all.add(get("/t/{tenant}/.well-known/jwks.json", (d, p) -> { }));
        // RFC 8414 §3.1: the same documents at the locations with the issuer's path after the well-known part
        all.add(get("/.well-known/openid-configuration/t/{tenant}", (d, p) -> { }));
        all.add(get("/.well-known/oauth-authorization-server/t/{tenant}", (d, p) -> { }));
        // The query service's revocation list for resource servers: a management token of the tenant, or the administrator.
        all.add(endpoint("GET", null, "/t/{tenant}/revocations", Body.NONE, Set.of(), Set.of("since", "limit"), (d, p) -> {
            adminAuth(d, p, true);
            if (p.chance(0.4)) {
                d.query("since", cursor("r" + p.between(0, 50) + "." + p.between(0, 2)));
            }
            if (p.chance(0.4)) {
                d.query("limit", Integer.toString(p.between(1, 1000)));
            }
        }));

        // The management API (command service): tenants, APIs, clients, users, sessions, families, rules.
        all.add(json("POST", "/admin/tenants", TENANT_NUMBERS, (d, p) -> {
            adminAuth(d, p, false);
            ObjectNode body = object().put("id", "fz-" + p.lowerAlnum(10)).put("name", "Fuzzed " + p.alnum(4));
            if (p.chance(0.05)) {
                body.put("signing_alg", "RS256");
            }
            if (p.chance(0.3)) {
                body.put("max_token_lifetime", 86400).put("refresh_token_rotation", p.oneOf("none", "rotate", "rotate-sliding"));
            }
            d.json(body);
        }));
        all.add(get("/admin/tenants", (d, p) -> adminAuth(d, p, false)));
        all.add(get(T, (d, p) -> adminAuth(d, p, true)));
        all.add(json("PATCH", T, TENANT_NUMBERS, (d, p) -> {
            adminAuth(d, p, true);
            ObjectNode body = object().put("name", "Renamed " + p.alnum(4));
            if (p.chance(0.3)) {
                body.put("time_zone", p.oneOf("UTC", "Europe/Berlin"));
            }
            d.json(body);
        }));
        all.add(endpoint("DELETE", null, T, Body.NONE, Set.of(), Set.of(), (d, p) -> adminAuth(d, p, false)));
        // A legal hold only suspends pruning; placed or lifted, the witnesses' records and tokens stay as they are.
        all.add(json("POST", T + "/legal-hold", Set.of(), (d, p) -> {
            adminAuth(d, p, false);
            d.json(object().put("reason", "fuzzed " + p.alnum(6)));
        }));
        all.add(endpoint("DELETE", null, T + "/legal-hold", Body.NONE, Set.of(), Set.of(), (d, p) -> adminAuth(d, p, false)));
        all.add(get(T + "/signing-keys", (d, p) -> adminAuth(d, p, true)));
        // A rotation only pre-publishes (it signs an hour later), so the witnesses' tokens keep verifying; a second
        // one while the first is pending is a 409.
        all.add(json("POST", T + "/signing-keys/rotate", Set.of(), (d, p) -> {
            adminAuth(d, p, true);
            d.json(p.chance(0.5) ? object() : object().put("alg", p.oneOf("ES256", "RS256")));
        }));
        // Never a real kid: revoking the key that signed the witnesses' tokens would end them, rightly.
        all.add(json("POST", T + "/signing-keys/fz-unknown-kid/revoke", Set.of(), (d, p) -> {
            adminAuth(d, p, true);
            d.json(object().put("reason", "fuzzed " + p.alnum(6)));
        }));
        all.add(json("POST", T + "/apis", API_NUMBERS, (d, p) -> {
            adminAuth(d, p, true);
            d.json(object().put("identifier", "https://fz-" + p.lowerAlnum(8) + ".test").put("name", "Fuzzed API")
                    .put("token_lifetime", 600).set("scopes", JSON.createArrayNode().add("a").add("b")));
        }));
        all.add(get(T + "/apis", (d, p) -> adminAuth(d, p, true)));
        all.add(get(T + "/apis/{apiId}", (d, p) -> adminAuth(d, p, true)));
        all.add(json("PATCH", T + "/apis/{apiId}", API_NUMBERS, (d, p) -> {
            adminAuth(d, p, true);
            d.json(object().put("name", "Renamed " + p.alnum(4)));
        }));
        all.add(endpoint("DELETE", null, T + "/apis/{apiId}", Body.NONE, Set.of(), Set.of(), (d, p) -> adminAuth(d, p, true)));
        all.add(json("POST", T + "/clients", CLIENT_NUMBERS, (d, p) -> {
            adminAuth(d, p, true);
            String appType = p.oneOf("non_interactive", "spa", "native", "regular_web");
            ObjectNode body = object().put("name", "Fuzzed client").put("app_type", appType);
            if (!appType.equals("non_interactive")) {
                body.set("callbacks", JSON.createArrayNode().add("https://fz.test/cb"));
            }
            if (p.chance(0.3)) {
                body.set("client_metadata", object().put("tier", "gold"));
            }
            d.json(body);
        }));
        all.add(get(T + "/clients", (d, p) -> adminAuth(d, p, true)));
        all.add(get(T + "/clients/{clientId}", (d, p) -> adminAuth(d, p, true)));
        all.add(json("PATCH", T + "/clients/{clientId}", CLIENT_NUMBERS, (d, p) -> {
            adminAuth(d, p, true);
            ObjectNode body = object().put("name", "Renamed " + p.alnum(4));
            if (p.chance(0.4)) {
                body.set("client_metadata", object().put("tier", p.oneOf("gold", "silver")));
            }
            d.json(body);
        }));
        all.add(endpoint("POST", null, T + "/clients/{clientId}/rotate-secret", Body.NONE, Set.of(), Set.of(),
                (d, p) -> adminAuth(d, p, true)));
        all.add(endpoint("DELETE", null, T + "/clients/{clientId}", Body.NONE, Set.of(), Set.of(), (d, p) -> adminAuth(d, p, true)));
        all.add(json("POST", T + "/users", Set.of(), (d, p) -> {
            adminAuth(d, p, true);
            ObjectNode body = object().put("username", "fz-" + p.lowerAlnum(8)).put("password", p.alnum(16));
            if (p.chance(0.3)) {
                body.set("roles", JSON.createArrayNode().add("reader"));
            }
            d.json(body);
        }));
        all.add(get(T + "/users", (d, p) -> {
            adminAuth(d, p, true);
            if (p.chance(0.5)) {
                d.query("username", p.chance(0.7) ? p.fixture.user().username() : "nobody");
            }
        }));
        all.add(get(T + "/users/{userId}", (d, p) -> adminAuth(d, p, true)));
        all.add(json("PATCH", T + "/users/{userId}", Set.of(), (d, p) -> {
            adminAuth(d, p, true);
            d.json(object().set("user_metadata", object().put("team", p.oneOf("blue", "green"))));
        }));
        all.add(endpoint("DELETE", null, T + "/users/{userId}", Body.NONE, Set.of(), Set.of(), (d, p) -> adminAuth(d, p, true)));
        all.add(endpoint("GET", null, T + "/users/{userId}/sessions", Body.NONE, Set.of(), Set.of("include_ended"), (d, p) -> {
            adminAuth(d, p, true);
            if (p.chance(0.5)) {
                d.query("include_ended", p.oneOf("true", "false"));
            }
        }));
        all.add(endpoint("DELETE", null, T + "/users/{userId}/sessions/{sessionId}", Body.NONE, Set.of(), Set.of(),
                (d, p) -> adminAuth(d, p, true)));
        all.add(endpoint("DELETE", null, T + "/users/{userId}/sessions", Body.NONE, Set.of(), Set.of(),
                (d, p) -> adminAuth(d, p, true)));
        all.add(json("POST", T + "/lifetime-rules", RULE_NUMBERS, (d, p) -> {
            adminAuth(d, p, true);
            d.json(object().put("name", "fz-" + p.lowerAlnum(8)).put("priority", p.between(0, 100))
                    .put("condition", p.oneOf("false", "client.app_type == \"spa\"", "has(user.id)"))
                    .set("effects", object().put("access_token_lifetime", 900)));
        }));
        all.add(get(T + "/lifetime-rules", (d, p) -> adminAuth(d, p, true)));
        all.add(get(T + "/lifetime-rules/{ruleId}", (d, p) -> adminAuth(d, p, true)));
        all.add(json("PATCH", T + "/lifetime-rules/{ruleId}", RULE_NUMBERS, (d, p) -> {
            adminAuth(d, p, true);
            d.json(object().put("priority", p.between(0, 100)));
        }));
        all.add(endpoint("DELETE", null, T + "/lifetime-rules/{ruleId}", Body.NONE, Set.of(), Set.of(),
                (d, p) -> adminAuth(d, p, true)));
        all.add(endpoint("DELETE", null, T + "/refresh-token-families/{familyId}", Body.NONE, Set.of(), Set.of(),
                (d, p) -> adminAuth(d, p, true)));

        // The query service: sessions, families, history, time travel, audit, projections.
        all.add(endpoint("GET", null, T + "/sessions", Body.NONE, Set.of(), Set.of("limit", "cursor"), (d, p) -> {
            adminAuth(d, p, true);
            if (p.chance(0.5)) {
                d.query("user_id", p.fixture.user().id());
            }
            if (p.chance(0.3)) {
                d.query("limit", Integer.toString(p.between(1, 50)));
            }
        }));
        all.add(endpoint("GET", null, T + "/sessions/{sessionId}", Body.NONE, Set.of(), Set.of("at"), (d, p) -> {
            adminAuth(d, p, true);
            if (p.chance(0.4)) {
                d.query("at", p.oneOf("2030-01-01T00:00:00Z", "2020-01-01T00:00:00Z"));
            }
        }));
        all.add(get(T + "/sessions/{sessionId}/history", (d, p) -> adminAuth(d, p, true)));
        all.add(endpoint("GET", null, T + "/refresh-token-families", Body.NONE, Set.of(), Set.of("limit", "cursor"), (d, p) -> {
            adminAuth(d, p, true);
            if (p.chance(0.5)) {
                d.query("user_id", p.fixture.user().id());
            }
            if (p.chance(0.3)) {
                d.query("session_id", p.oneOf(p.fixture.tokens().sessionIds()));
            }
            if (p.chance(0.3)) {
                d.query("limit", Integer.toString(p.between(1, 50)));
            }
        }));
        all.add(endpoint("GET", null, T + "/refresh-token-families/{familyId}", Body.NONE, Set.of(), Set.of("at"), (d, p) -> {
            adminAuth(d, p, true);
            if (p.chance(0.4)) {
                d.query("at", p.oneOf("2030-01-01T00:00:00Z", "2020-01-01T00:00:00Z"));
            }
        }));
        all.add(get(T + "/refresh-token-families/{familyId}/history", (d, p) -> adminAuth(d, p, true)));
        all.add(endpoint("GET", null, T + "/audit", Body.NONE, Set.of("type"), Set.of("limit", "from", "to", "cursor"),
                (d, p) -> {
                    adminAuth(d, p, true);
                    if (p.chance(0.3)) {
                        d.query("user_id", p.fixture.user().id());
                    }
                    if (p.chance(0.3)) {
                        d.query("client_id", p.fixture.confidential().id());
                    }
                    if (p.chance(0.3)) {
                        d.query("type", p.oneOf("AccessTokenIssued", "AccessTokenIssued,SessionStarted"));
                    }
                    if (p.chance(0.2)) {
                        d.query("from", "2020-01-01T00:00:00Z");
                    }
                    if (p.chance(0.3)) {
                        d.query("limit", Integer.toString(p.between(1, 100)));
                    }
                    if (p.chance(0.2)) {
                        d.header("Accept", "application/x-ndjson");
                    }
                }));
        all.add(get("/admin/projections", (d, p) -> adminAuth(d, p, false)));
        all.add(get("/admin/projections/{projection}", (d, p) -> adminAuth(d, p, false)));
        all.add(endpoint("POST", null, "/admin/projections/{projection}/replay", Body.NONE, Set.of(), Set.of(),
                (d, p) -> adminAuth(d, p, false)));
        // The token service's explain endpoint.
        all.add(endpoint("GET", null, T + "/lifetimes/explain", Body.NONE, Set.of("scope"), Set.of("browser_flow"), (d, p) -> {
            adminAuth(d, p, true);
            d.query("client_id", p.oneOf(p.fixture.confidential().id(), p.fixture.spa().id()));
            if (p.chance(0.6)) {
                d.query("audience", p.fixture.apiIdentifier());
            }
            if (p.chance(0.5)) {
                d.query("grant_type", p.oneOf("client_credentials", "authorization_code", "refresh_token", "password"));
            }
            if (p.chance(0.3)) {
                d.query("user_id", p.fixture.user().id());
            }
            if (p.chance(0.3)) {
                d.query("scope", "read write");
            }
            if (p.chance(0.3)) {
                d.query("browser_flow", p.oneOf("true", "false"));
            }
        }));

        // Spring Boot's actuator endpoints the server exposes, and its error path reached directly.
        // Health is public; every other actuator endpoint wants the administrator's token.
        all.add(get("/actuator", (d, p) -> adminAuth(d, p, false)));
        all.add(get("/actuator/health", (d, p) -> { }));
        all.add(get("/actuator/health/{group}", (d, p) -> { }));
        all.add(get("/actuator/info", (d, p) -> adminAuth(d, p, false)));
        all.add(get("/actuator/metrics", (d, p) -> adminAuth(d, p, false)));
        all.add(get("/actuator/prometheus", (d, p) -> adminAuth(d, p, false)));
        all.add(endpoint("GET", null, "/actuator/metrics/{metric}", Body.NONE, Set.of(), Set.of(), (d, p) -> {
            adminAuth(d, p, false);
            if (p.chance(0.4)) {
                d.query("tag", p.oneOf("uri:/t/{tenant}/oauth/token", "status:200", "area:heap"));
            }
        }));
        all.add(get("/error", (d, p) -> { }));
        return List.copyOf(all);
    }

    static final Set<String> TENANT_NUMBERS = Set.of("max_token_lifetime", "max_token_lifetime_for_web",
            "default_token_lifetime", "session_idle_timeout", "session_absolute_timeout", "refresh_token_lifetime",
            "refresh_token_idle_lifetime", "refresh_token_leeway", "issuance_record_retention");
    static final Set<String> API_NUMBERS = Set.of("token_lifetime", "token_lifetime_for_web");
    static final Set<String> CLIENT_NUMBERS = Set.of("id_token_lifetime", "session_idle_timeout",
            "session_absolute_timeout", "refresh_token.token_lifetime", "refresh_token.idle_token_lifetime",
            "refresh_token.leeway");
    static final Set<String> RULE_NUMBERS = Set.of("priority", "effects.access_token_lifetime",
            "effects.id_token_lifetime", "effects.refresh_token_lifetime");

    /**
     * Values for the template's variables that make a valid request of this method: reads may name any resource of the
     * fixture (witnesses too), changes name the targets, deletions the spares.
     */
    static Map<String, String> variables(Endpoint endpoint, Picks p) {
        Fixture f = p.fixture;
        boolean read = endpoint.safe();
        boolean deletion = endpoint.method().equals("DELETE") || endpoint.template().endsWith("/rotate-secret");
        Map<String, String> values = new LinkedHashMap<>();
        Matcher m = VARIABLE.matcher(endpoint.template());
        while (m.find()) {
            String name = m.group(1);
            String value = switch (name) {
                case "tenant" -> endpoint.template().equals(T) && endpoint.method().equals("DELETE") ? f.spareTenant()
                        : read && p.chance(0.05) ? f.witnesses().tenant()
                        : p.chance(0.1) ? f.spareTenant() : f.tenant();
                case "apiId" -> deletion ? f.spareApi()
                        : read ? p.oneOf(f.api(), f.spareApi(), f.witnesses().api()) : p.oneOf(f.api(), f.spareApi());
                case "clientId" -> deletion ? f.spareClient().id()
                        : read ? p.oneOf(f.confidential().id(), f.spa().id(), f.nativeApp().id(), f.management().id(),
                                f.witnesses().client().id())
                        : p.oneOf(f.confidential().id(), f.spa().id(), f.nativeApp().id(), f.spareClient().id());
                case "userId" -> endpoint.template().endsWith("{userId}") && deletion ? f.spareUser().id()
                        : read ? p.oneOf(f.user().id(), f.spareUser().id(), f.witnesses().user().id())
                        : p.oneOf(f.user().id(), f.spareUser().id());
                case "ruleId" -> deletion ? f.spareRule() : p.oneOf(f.rule(), f.spareRule());
                case "sessionId" -> p.oneOf(f.tokens().sessionIds());
                case "familyId" -> read && p.chance(0.2) ? f.witnesses().familyId() : p.oneOf(f.tokens().familyIds());
                case "projection" -> endpoint.method().equals("POST") ? p.oneOf("audit", "sessions", "revocations")
                        : p.oneOf("audit", "sessions", "revocations", "token-config", "token-revocations");
                case "group" -> p.oneOf("liveness", "readiness");
                case "metric" -> p.oneOf("jvm.memory.used", "http.server.requests", "tally.revocation.view.lag");
                default -> throw new IllegalStateException("no values for {" + name + "}");
            };
            values.put(name, value);
        }
        // The tenant of the path decides which ids exist there: a resource of the target under the spare tenant is a
        // resource of another tenant, which is fine (a 404), but the witness tenant's paths are read only.
        return values;
    }

    /** The template with each variable's value percent-encoded as a path segment. */
    static String path(String template, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder path = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(path, Matcher.quoteReplacement(segment(values.get(m.group(1)))));
        }
        m.appendTail(path);
        return path.toString();
    }

    /** A path segment: everything but RFC 3986's unreserved characters percent-encoded (UTF-8). */
    static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** Every method some endpoint accepts on this template (HEAD with GET; OPTIONS everywhere). */
    static Set<String> allowedMethods(List<Endpoint> endpoints, String template) {
        Set<String> methods = new LinkedHashSet<>();
        for (Endpoint e : endpoints) {
            if (e.template().equals(template)) {
                methods.add(e.method());
                if (e.method().equals("GET")) {
                    methods.add("HEAD");
                }
            }
        }
        methods.add("OPTIONS");
        return methods;
    }

    private static void authorize(Draft d, Picks p, boolean asForm) {
        Fixture f = p.fixture;
        Client client = p.oneOf(f.spa(), f.spa(), f.confidential(), f.nativeApp());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", client.id());
        params.put("redirect_uri", f.callback());
        params.put("scope", p.oneOf("openid read", "openid offline_access read", "openid"));
        if (p.chance(0.7)) {
            params.put("audience", f.apiIdentifier());
        }
        params.put("state", p.alnum(12));
        params.put("nonce", p.alnum(12));
        params.put("code_challenge", Provisioning.pkce(p.alnum(50)));
        params.put("code_challenge_method", "S256");
        if (p.chance(0.3)) {
            params.put("prompt", p.oneOf("login", "none", "consent", "login consent"));
        }
        if (p.chance(0.3)) {
            params.put("max_age", Integer.toString(p.between(0, 3600)));
        }
        params.forEach(asForm ? d::form : d::query);
        if (p.chance(0.5)) {
            d.cookie("tally_session", f.tokens().sessionCookie());
        }
    }

    private static void logout(Draft d, Picks p, boolean asForm) {
        Fixture f = p.fixture;
        Map<String, String> params = new LinkedHashMap<>();
        if (p.chance(0.5)) {
            params.put("id_token_hint", p.oneOf(f.tokens().idTokens()));
        } else if (p.chance(0.6)) {
            params.put("client_id", p.oneOf(f.spa().id(), f.confidential().id()));
        }
        if (p.chance(0.5)) {
            params.put("post_logout_redirect_uri", f.logoutUrl());
            params.put("state", p.alnum(10));
        }
        if (asForm && params.isEmpty()) {
            params.put("state", p.alnum(10));
        }
        params.forEach(asForm ? d::form : d::query);
        if (p.chance(0.1)) {
            d.cookie("tally_session", f.tokens().sessionCookie());
        }
    }

    /** A target token of any kind. */
    static String anyToken(Picks p) {
        Fixture.Tokens t = p.fixture.tokens();
        return switch (p.between(0, 3)) {
            case 0 -> p.oneOf(t.accessTokens());
            case 1 -> p.oneOf(t.refreshTokens());
            case 2 -> p.oneOf(t.idTokens());
            default -> t.managementToken();
        };
    }

    /** {@code client_secret_basic} mostly, {@code client_secret_post} sometimes; a public client by its id alone. */
    static void clientAuth(Draft d, Picks p, Client client) {
        if (client.secret() == null) {
            d.form("client_id", client.id());
        } else if (p.chance(0.7)) {
            d.basic(client.id(), client.secret());
            if (d.form == null) {
                d.form = new ArrayList<>();
                d.header("Content-Type", "application/x-www-form-urlencoded");
            }
        } else {
            d.form("client_id", client.id());
            d.form("client_secret", client.secret());
        }
    }

    /** The administrator's token; where a tenant's management token may be used, sometimes that. */
    static void adminAuth(Draft d, Picks p, boolean tenantTokenAllowed) {
        d.bearer(tenantTokenAllowed && p.chance(0.15) ? p.fixture.tokens().managementToken() : p.fixture.adminToken());
    }

    static String cursor(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private static Endpoint form(String variant, String template, Set<String> lists, Set<String> numbers, Endpoint.Shape shape) {
        return endpoint("POST", variant, template, Body.FORM, lists, numbers, shape);
    }

    private static Endpoint json(String method, String template, Set<String> numbers, Endpoint.Shape shape) {
        return endpoint(method, null, template, Body.JSON, Set.of(), numbers, shape);
    }

    private static Endpoint get(String template, Endpoint.Shape shape) {
        return endpoint("GET", null, template, Body.NONE, Set.of(), Set.of(), shape);
    }

    private static Endpoint endpoint(String method, String variant, String template, Body body, Set<String> lists,
                                     Set<String> numbers, Endpoint.Shape shape) {
        String name = method + " " + template + (variant == null ? "" : " (" + variant + ")");
        return new Endpoint(name, method, template, body, lists, numbers, shape);
    }
}
