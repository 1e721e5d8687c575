package dev.tally.testsupport.fuzz;

import dev.tally.testsupport.fuzz.Draft.Param;
import dev.tally.testsupport.fuzz.Endpoint.Body;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The seeded, deterministic generator: request {@code i} of seed {@code s} is always the same spoiling of the same
 * endpoint's valid request (the fixture's ids and tokens differ from server to server, the shape does not), made from
 * a random generator of its own seeded by {@code s} and {@code i}, so any request can be made again alone.
 *
 * <p>The first requests of a run cover every pair of endpoint and {@link Category} that applies, in an order the seed
 * shuffles; after that each request picks a pair at random. A run of at least {@link #pairs()} requests has therefore
 * sent every kind of hostile input to every endpoint at least once.
 */
public final class HostileInputs {
    /**
     * Not {@code CONNECT}: Tomcat's connector answers it 501 before any of Tally's code runs, as RFC 9110 §15.6.2 has
     * an origin server do for a method it does not implement. (Nor, for the same reason, transfer codings Tomcat does
     * not know (RFC 9112 §6.1: 501) or HTTP versions other than 1.0 and 1.1 (505).)
     */
    private static final List<String> WRONG_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "TRACE",
            "FOO", "get", "PROPFIND", "OPTIONS");
    private static final List<String> UNDECODABLE = List.of("%ff%fe", "\u00ff\u00fe", "%", "%zz", "%u0041", "%e9",
            "%c3%28", "%ed%a0%80", "%c0%af", "%f8%88%80%80%80", "%2", "\u00c3");
    private static final List<String> CONTROL = List.of("%00", "%0d%0a", "%0a", "%0d", "%1b", "%7f", "%08", "%e2%80%ae",
            "%ef%bb%bf", "%c2%85", "%e2%80%a8", "%0d%0aSet-Cookie:%20tally_session=forged", "%09", "%1f");
    private static final List<String> INJECTIONS = List.of("' OR '1'='1", "'; DROP TABLE domain_event_entry; --",
            "\" OR 1=1 --", "1); SELECT pg_sleep(5); --", "' UNION SELECT password FROM users --", "admin'--",
            "${jndi:ldap://127.0.0.1:1/a}", "#{7*7}", "{{7*7}}", "${7*7}", "%s%s%s%s%n", "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "../../../../etc/passwd", "file:///etc/passwd",
            "http://169.254.169.254/latest/meta-data/", "\n2026-01-01 ERROR forged log line", "*)(uid=*))(|(uid=*",
            "{\"$gt\":\"\"}", "true || 1 == 1", "'a'.matches('(a+)+$')", "(a+)+b", "\\", "\\u0000", "%00",
            "\u202e\u0041\u0042", "NULL", "undefined", "[object Object]", "0 OR 1=1", "%27%20OR%20%271%27%3D%271");
    private static final List<String> CEL_BOMBS = List.of(
            "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, true)))",
            "request.scopes.exists(s, s.matches('^(a|a)*$'))", "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('^(a+)+$')",
            "size(client.metadata) > 0 ? true : false", "client.tier == 'gold'", "1 / 0 == 1", "dyn(1) == 'a'",
            "has(client.metadata.a.b.c)", "timestamp('9999-12-31T23:59:59Z') > now", "duration('999999999999h') > duration('1s')",
            "int('9223372036854775808') > 0", "now + duration('87600000h') > now", "true");
    private static final List<String> JSON_NUMBERS = List.of("-1", "0", "-9223372036854775808", "9223372036854775807",
            "9223372036854775808", "-9223372036854775809", "2147483648", "-2147483649", "1e309", "-1e309", "1.5",
            "1e3", "0.0000001", "1E+400", "\"60\"", "\"1e3\"", "true", "null", "01", "NaN", "Infinity", "-0", "1e-400",
            "340282366920938463463374607431768211456", "0x10", "99999999999999999999999999999999999999999999");
    private static final List<String> QUERY_NUMBERS = List.of("-1", "0", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "2147483648", "-2147483649", "1.5", "1e3", "NaN", "", " 1", "+1", "0x10",
            "\u0661\u0662\u0663", "99999999999999999999999", "1_000", "true", "yes", "2");
    private static final List<String> INSTANTS = List.of("+1000000000-12-31T23:59:59.999999999Z",
            "-1000000000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-13-01T00:00:00Z",
            "-0001-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "1e10", "-1", "2026-01-01T00:00:00+99:00");
    private static final List<String> CURSOR_TEXTS = List.of("p9223372036854775807", "p-1", "p99999999999999999999",
            "p0", "r9223372036854775807.2147483647", "r1.9223372036854775807", "r-1.0", "r1.", "r.1", "r1.2147483648",
            "9223372036854775807|zzz", "2026-01-01T00:00:00Z|ses_x", "+1000000000-12-31T23:59:59Z|x", "|", "");
    private static final List<String> BAD_HOSTS = List.of("", "a b", "example.com:99999", "example.com:-1", "[::1",
            "[::1]:80", "user@evil.test", "evil.test/path", "127.0.0.1:8080:80", "%41", "\u00c3\u00a9xample.com",
            "evil.test:", ":80", "[zz::1]", "evil..test", "-evil.test", "evil_test");

    private final long seed;
    private final Fixture fixture;
    private final Secrets secrets;
    private final String host;
    private final List<Endpoint> endpoints;
    private final List<Pair> schedule;

    /** One endpoint and one kind of spoiling. */
    record Pair(Endpoint endpoint, Category category) {
    }

    public HostileInputs(long seed, Fixture fixture, Secrets secrets, String host) {
        this.seed = seed;
        this.fixture = fixture;
        this.secrets = secrets;
        this.host = host;
        this.endpoints = Endpoints.all();
        List<Pair> pairs = new ArrayList<>();
        for (Endpoint e : endpoints) {
            for (Category c : Category.values()) {
                if (applies(c, e)) {
                    pairs.add(new Pair(e, c));
                }
            }
        }
        Collections.shuffle(pairs, new Random(seed));
        this.schedule = List.copyOf(pairs);
    }

    /** How many requests it takes to send every kind of hostile input to every endpoint once. */
    public int pairs() {
        return schedule.size();
    }

    public List<String> endpointNames() {
        return endpoints.stream().map(Endpoint::name).toList();
    }

    public HostileRequest request(long index) {
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        Picks p = new Picks(random, fixture);
        Pair pair;
        if (index < schedule.size()) {
            pair = schedule.get((int) index);
        } else {
            Endpoint e = p.oneOf(endpoints);
            List<Category> applicable = new ArrayList<>();
            for (Category c : Category.values()) {
                if (applies(c, e)) {
                    applicable.add(c);
                }
            }
            pair = new Pair(e, p.oneOf(applicable));
        }
        Endpoint e = pair.endpoint();
        Draft d = new Draft();
        d.method = e.method();
        Map<String, String> variables = Endpoints.variables(e, p);
        d.path = Endpoints.path(e.template(), variables);
        d.host = host;
        e.shape().fill(d, p);
        spoil(pair.category(), e, d, p, variables);
        return new HostileRequest(seed, index, e.name(), pair.category(), d.mutation, d.method, d.toBytes());
    }

    /** A 64-bit mix of seed and index (SplitMix64's finalizer), so neighbouring indexes get unrelated generators. */
    static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static boolean applies(Category c, Endpoint e) {
        return switch (c) {
            case UNDECODABLE_PASSWORD -> e.name().contains("(password)") || e.template().endsWith("/login");
            case MULTIPART_WITHOUT_BOUNDARY, WILDCARD_CONTENT_TYPE, UNPARSEABLE_CONTENT_TYPE, UNKNOWN_CHARSET -> e.writes();
            case REPEATED_VALUE -> !e.lists().isEmpty();
            case OVERSIZE_FORM -> e.body() == Body.FORM;
            case HUGE_JSON, DEEP_JSON, WRONG_JSON_TYPE -> e.body() == Body.JSON;
            case FOREIGN_PATH_VARIABLE -> e.template().contains("{");
            default -> true;
        };
    }

    private void spoil(Category c, Endpoint e, Draft d, Picks p, Map<String, String> variables) {
        switch (c) {
            case UNDECODABLE_PARAMETER -> undecodable(d, p);
            case UNDECODABLE_PASSWORD -> undecodablePassword(d, p);
            case MULTIPART_WITHOUT_BOUNDARY -> {
                String type = p.oneOf("multipart/form-data", "multipart/form-data; charset=UTF-8",
                        "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"", "multipart/mixed");
                d.setHeader("Content-Type", type);
                if (p.chance(0.3)) {
                    d.body = "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1);
                }
                d.mutation = "Content-Type: " + type;
            }
            case WILDCARD_CONTENT_TYPE -> {
                String type = p.oneOf("*/*", "*/*; charset=UTF-8", "application/*", "*/json");
                d.setHeader("Content-Type", type);
                d.mutation = "Content-Type: " + type;
            }
            case UNPARSEABLE_CONTENT_TYPE -> {
                String type = p.oneOf("///", "application", "application/", "/json", "application/json;;",
                        "application/x-www-form-urlencoded; charset", "application/json; charset=\"utf-8",
                        "text/plain; =", "\"application/json\"", "application/json, text/plain", "a/b/c", " ", "",
                        "application/json; q=abc", "application/x-www-form-urlencoded;;;=", "*", "\u00ff/\u00fe");
                d.setHeader("Content-Type", type);
                d.mutation = "Content-Type: " + type;
            }
            case UNKNOWN_CHARSET -> {
                String base = e.body() == Body.JSON ? "application/json"
                        : e.body() == Body.FORM ? "application/x-www-form-urlencoded" : p.oneOf("text/plain", "application/json");
                String charset = p.oneOf("klingon", "x-unknown-42", "utf-9", "", "\"\"", "UTF-8; charset=latin1",
                        "ebcdic-xyz", "UTF-16", "UTF-32", "x-IBM1047", "ISO-2022-JP", "UTF-7", "\u00ff");
                d.setHeader("Content-Type", base + "; charset=" + charset);
                d.mutation = "charset=" + charset;
            }
            case REPEATED_VALUE -> repeatedValue(e, d, p);
            case DUPLICATED_PARAMETER -> duplicated(d, p);
            case MISSING_PARAMETER -> missing(d, p);
            case OVERSIZE_VALUE -> oversize(d, p, variables, e);
            case TOO_MANY_PARAMETERS -> {
                int count = p.oneOf(1_001, 5_000, 20_000);
                List<Param> target = d.form != null && p.chance(0.8) ? d.form : d.query;
                boolean inQuery = target == d.query;
                int n = inQuery ? Math.min(count, 1_900) : count;
                for (int i = 0; i < n; i++) {
                    target.add(inQuery ? Param.raw("a") : Param.of("p" + i, "1"));
                }
                d.mutation = n + " parameters in the " + (inQuery ? "query" : "body");
            }
            case OVERSIZE_FORM -> {
                int size = p.oneOf(2 * 1024 * 1024 + 1, 2_500_000, 3_000_000, 6_000_000);
                if (p.chance(0.5)) {
                    d.form.add(Param.of("padding", Picks.repeat("a", size)));
                } else {
                    for (int i = 0; i * 1000 < size; i++) {
                        d.form.add(Param.of("pad" + i, Picks.repeat("b", 990)));
                    }
                }
                d.chunked = p.chance(0.3);
                d.mutation = "a form body of about " + size + " bytes" + (d.chunked ? ", chunked" : "");
            }
            case HUGE_JSON -> hugeJson(d, p);
            case DEEP_JSON -> deepJson(d, p);
            case NUMBER_OUT_OF_RANGE -> numbers(e, d, p);
            case WRONG_JSON_TYPE -> wrongJson(d, p);
            case UNKNOWN_FIELD -> unknownField(e, d, p);
            case WRONG_METHOD -> {
                Set<String> allowed = Endpoints.allowedMethods(endpoints, e.template());
                List<String> wrong = WRONG_METHODS.stream().filter(m -> !allowed.contains(m)).toList();
                d.method = p.oneOf(wrong);
                d.mutation = "method " + d.method;
            }
            case CONTROL_CHARACTERS -> control(d, p, variables, e);
            case PATH_TRAVERSAL -> traversal(d, p, e, variables);
            case INJECTION -> injection(e, d, p, variables);
            case FOREIGN_PATH_VARIABLE -> foreign(e, d, p, variables);
            case BAD_CREDENTIALS -> credentials(e, d, p);
            case BAD_COOKIE -> cookie(d, p);
            case BAD_HOST -> {
                if (p.chance(0.2)) {
                    d.header("Host", "evil.test");
                    d.mutation = "a second Host header";
                } else {
                    d.host = p.oneOf(BAD_HOSTS);
                    d.mutation = "Host: " + HostileRequest.escape(d.host);
                }
            }
            case BAD_FRAMING -> framing(d, p);
        }
    }

    private void undecodable(Draft d, Picks p) {
        String bad = p.oneOf(UNDECODABLE);
        boolean body = d.form != null && p.chance(0.7);
        List<Param> list = body ? d.form : d.query;
        if (bad.equals("%2") || p.chance(0.15)) {
            list.add(Param.raw("="));
            d.mutation = "&= in the " + (body ? "body" : "query");
            return;
        }
        if (list.isEmpty() || p.chance(0.2)) {
            list.add(Param.raw("fuzz" + bad + "=value"));
            d.mutation = HostileRequest.escape(bad) + " in a parameter's name, in the " + (body ? "body" : "query");
            return;
        }
        int at = p.random.nextInt(list.size());
        Param param = list.get(at);
        String name = param.name() == null ? "x" : param.name();
        String value = param.value() == null ? "" : param.value();
        int cut = value.isEmpty() ? 0 : p.random.nextInt(value.length() + 1);
        String label = secrets.labelOf(value);
        if (label != null) {
            // the container prints the value it could not decode: the pieces of a secret are what a log would show
            secrets.addPieces(label, value, cut);
        }
        list.set(at, Param.raw(Draft.encode(name) + "=" + Draft.encode(value.substring(0, cut)) + bad
                + Draft.encode(value.substring(cut))));
        d.mutation = HostileRequest.escape(bad) + " in " + name + ", in the " + (body ? "body" : "query");
    }

    /**
     * The password (the real one, or another) with bytes the container cannot decode in its middle; the pieces on
     * either side are secrets, since that is how the container would print them.
     */
    private void undecodablePassword(Draft d, Picks p) {
        boolean real = p.chance(0.6);
        String password = real ? fixture.user().password() : p.alnum(24);
        String label = real ? "the target user's password" : "a password sent with undecodable bytes";
        int cut = p.between(Secrets.SHORTEST, password.length() - Secrets.SHORTEST);
        String bad = p.oneOf("%F6", "\u00f6", "%C3", "%F6%F6", "%ff");
        secrets.add(label, password);
        secrets.addPieces(label, password, cut);
        d.form.removeIf(param -> "password".equals(param.name()));
        d.form.add(p.random.nextInt(d.form.size() + 1),
                Param.raw("password=" + password.substring(0, cut) + bad + password.substring(cut)));
        d.mutation = "password with " + HostileRequest.escape(bad);
    }

    private void repeatedValue(Endpoint e, Draft d, Picks p) {
        String name = p.oneOf(List.copyOf(e.lists()));
        String value = switch (name) {
            case "prompt" -> p.oneOf("login login", "none none", "consent consent login", "select_account login login");
            case "scope" -> p.oneOf("read read", "openid openid", "openid read openid", "read  read");
            case "response_type" -> p.oneOf("code code", "code  code");
            case "type" -> p.oneOf("AccessTokenIssued,AccessTokenIssued", "SessionStarted,SessionStarted,SessionStarted");
            default -> "x x";
        };
        List<Param> list = d.form != null ? d.form : d.query;
        list.removeIf(param -> name.equals(param.name()));
        list.add(Param.of(name, value));
        d.mutation = name + "=" + value;
    }

    private void duplicated(Draft d, Picks p) {
        List<Param> list = d.form != null && p.chance(0.6) ? d.form : d.query;
        int kind = p.between(0, 3);
        if (kind == 0 && !list.isEmpty()) {
            Param param = p.oneOf(list);
            if (param.name() != null) {
                list.add(p.chance(0.5) ? param : Param.of(param.name(), p.alnum(6)));
                d.mutation = param.name() + " twice";
                return;
            }
        }
        if (kind == 1 && (d.json != null)) {
            String text = d.json.toString();
            String field = firstField(d.json);
            d.jsonText = "{\"" + field + "\":" + p.oneOf("\"first\"", "1", "null", "{}") + "," + text.substring(1);
            d.mutation = "JSON member " + field + " twice";
            return;
        }
        String header = p.oneOf("Authorization", "Content-Type", "Cookie", "Content-Type", "Accept");
        String value = switch (header) {
            case "Authorization" -> p.oneOf("Bearer " + p.alnum(20), "Basic " + p.alnum(12));
            case "Content-Type" -> p.oneOf("application/json", "application/x-www-form-urlencoded", "text/plain");
            case "Cookie" -> "tally_session=" + p.alnum(20);
            default -> "application/x-ndjson";
        };
        d.header(header, value);
        d.mutation = header + " header twice";
    }

    private void missing(Draft d, Picks p) {
        int kind = p.between(0, 7);
        List<Param> list = d.form != null && p.chance(0.6) ? d.form : d.query;
        switch (kind) {
            case 0, 1 -> {
                if (!list.isEmpty()) {
                    Param gone = list.remove(p.random.nextInt(list.size()));
                    d.mutation = "without " + gone.name();
                    return;
                }
            }
            case 2 -> {
                if (!list.isEmpty()) {
                    int at = p.random.nextInt(list.size());
                    Param param = list.get(at);
                    list.set(at, p.chance(0.5) ? Param.of(param.name(), "") : Param.of(param.name(), null));
                    d.mutation = param.name() + " empty";
                    return;
                }
            }
            case 3 -> {
                d.removeHeader("Authorization");
                d.mutation = "without Authorization";
                return;
            }
            case 4 -> {
                if (d.hasHeader("Content-Type")) {
                    d.removeHeader("Content-Type");
                    d.mutation = "without Content-Type";
                    return;
                }
            }
            case 5 -> {
                if (d.json != null) {
                    if (p.chance(0.5)) {
                        d.jsonText = p.oneOf("{}", "");
                        d.mutation = "JSON body " + (d.jsonText.isEmpty() ? "empty" : "{}");
                    } else {
                        String field = firstField(d.json);
                        d.json.remove(field);
                        d.mutation = "without JSON member " + field;
                    }
                    return;
                }
            }
            case 6 -> {
                d.host = null;
                d.mutation = "without Host";
                return;
            }
            default -> {
            }
        }
        d.body = new byte[0];
        d.mutation = "empty body";
    }

    private void oversize(Draft d, Picks p, Map<String, String> variables, Endpoint e) {
        String unit = p.oneOf("a", "\u00e9", "\ud83d\ude00", "%");
        if (d.json != null && p.chance(0.25)) {
            // a list at a plausible count limit, of long entries shaped like what the field takes (URLs pass URL checks)
            String field = p.oneOf("scopes", "callbacks", "allowed_logout_urls", "roles", "permissions", "grant_types");
            int count = p.oneOf(20, 50, 100);
            int length = p.oneOf(190, 500, 2_000);
            ArrayNode list = d.json.putArray(field);
            for (int i = 0; i < count; i++) {
                String prefix = "https://fz.test/" + i + "/";
                list.add(prefix + Picks.repeat("a", Math.max(1, length - prefix.length())));
            }
            d.mutation = "JSON member " + field + " of " + count + " entries of " + length + " characters";
            return;
        }
        switch (p.between(0, 4)) {
            case 0 -> {
                int length = p.oneOf(10_000, 100_000, 1_000_000);
                if (d.form != null) {
                    List<Param> form = d.form;
                    int at = p.random.nextInt(form.size() + 1);
                    String name = at < form.size() && form.get(at).name() != null ? form.get(at).name() : "big";
                    form.removeIf(param -> name.equals(param.name()));
                    form.add(Param.of(name, Picks.repeat(unit, length)));
                    d.mutation = name + " of " + length + " characters in the body";
                } else if (d.json != null) {
                    String field = firstField(d.json);
                    d.json.put(field, Picks.repeat(unit, length));
                    d.mutation = "JSON member " + field + " of " + length + " characters";
                } else {
                    int q = p.oneOf(4_000, 9_000, 20_000);
                    String name = d.query.isEmpty() ? "big" : d.query.get(0).name();
                    d.query.removeIf(param -> name.equals(param.name()));
                    d.query.add(Param.of(name, Picks.repeat(unit, q)));
                    d.mutation = name + " of " + q + " characters in the query";
                }
            }
            case 1 -> {
                if (!variables.isEmpty()) {
                    String name = p.oneOf(List.copyOf(variables.keySet()));
                    int length = p.oneOf(300, 2_000, 9_000);
                    variables.put(name, Picks.repeat(unit.equals("%") ? "a" : unit, length));
                    d.path = Endpoints.path(e.template(), variables);
                    d.mutation = "{" + name + "} of " + length + " characters";
                } else {
                    d.path = d.path + "/" + Picks.repeat("a", 3_000);
                    d.mutation = "a path segment of 3000 characters";
                }
            }
            case 2 -> {
                int length = p.oneOf(5_000, 9_000, 70_000);
                String header = p.oneOf("Authorization", "Cookie", "User-Agent", "Accept", "X-Fuzz");
                String value = header.equals("Authorization") ? "Bearer " + Picks.repeat("A", length)
                        : header.equals("Cookie") ? "tally_session=" + Picks.repeat("c", length) : Picks.repeat("h", length);
                d.setHeader(header, value);
                d.mutation = header + " of " + length + " characters";
            }
            case 3 -> {
                List<Param> list = d.form != null ? d.form : d.query;
                int length = list == d.query ? 6_000 : 200_000;
                list.add(Param.of(Picks.repeat("n", length), "v"));
                d.mutation = "a parameter name of " + length + " characters";
            }
            default -> {
                int count = p.oneOf(120, 500);
                for (int i = 0; i < count; i++) {
                    d.header("X-Fuzz-" + i, "v");
                }
                d.mutation = count + " headers";
            }
        }
    }

    private void hugeJson(Draft d, Picks p) {
        int size = p.oneOf(2 * 1024 * 1024 + 1, 3_000_000, 8_000_000);
        ObjectNode body = d.json;
        switch (p.between(0, 3)) {
            case 0 -> {
                String field = firstField(body);
                body.put(field, Picks.repeat("x", size));
                d.mutation = "JSON member " + field + " of " + size + " characters";
            }
            case 1 -> {
                ArrayNode array = body.putArray(p.oneOf("scopes", "callbacks", "roles", "grant_types", "unknown"));
                for (int i = 0; i * 10 < size; i++) {
                    array.add("s" + i);
                }
                d.mutation = "a JSON array of " + array.size() + " strings";
            }
            case 2 -> {
                ObjectNode map = body.putObject(p.oneOf("client_metadata", "user_metadata", "effects", "unknown"));
                for (int i = 0; i * 14 < size; i++) {
                    map.put("k" + i, "v");
                }
                d.mutation = "a JSON object of " + map.size() + " members";
            }
            default -> {
                StringBuilder text = new StringBuilder(size + 16).append('[');
                while (text.length() < size) {
                    text.append("1234567890,");
                }
                d.jsonText = text.append("1]").toString();
                d.mutation = "a JSON array of " + size + " bytes as the body";
            }
        }
    }

    private void deepJson(Draft d, Picks p) {
        int depth = p.oneOf(600, 1_001, 5_000, 100_000);
        boolean arrays = p.chance(0.5);
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        StringBuilder nested = new StringBuilder(depth * (open.length() + 1) + 8);
        nested.append(open.repeat(depth)).append("1");
        boolean balanced = p.chance(0.8);
        if (balanced) {
            nested.append(close.repeat(depth));
        }
        if (p.chance(0.5)) {
            d.jsonText = nested.toString();
            d.mutation = (balanced ? "" : "unclosed ") + "JSON nested " + depth + " deep as the body";
        } else {
            String field = p.oneOf("client_metadata", "effects", "name", "scopes", "nested");
            String text = d.json.toString();
            d.jsonText = "{\"" + field + "\":" + nested + (text.length() > 2 ? "," + text.substring(1) : "}");
            d.mutation = (balanced ? "" : "unclosed ") + "JSON nested " + depth + " deep in member " + field;
        }
    }

    private void numbers(Endpoint e, Draft d, Picks p) {
        if (d.json != null) {
            List<String> fields = e.numbers().isEmpty() ? List.of("token_lifetime", "priority") : List.copyOf(e.numbers());
            String field = p.oneOf(fields);
            String value = p.oneOf(JSON_NUMBERS);
            String[] parts = field.split("\\.");
            ObjectNode holder = d.json;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode inner = holder.get(parts[i]);
                holder = inner instanceof ObjectNode o ? o : holder.putObject(parts[i]);
            }
            String marker = "\u0000number\u0000";
            holder.put(parts[parts.length - 1], marker);
            d.jsonText = d.json.toString().replace("\"" + escapeJson(marker) + "\"", value);
            d.mutation = field + ": " + value;
            return;
        }
        List<String> names = e.numbers().isEmpty() ? List.of("limit", "max_age", "at") : List.copyOf(e.numbers());
        String name = p.oneOf(names);
        String value = switch (name) {
            case "at", "from", "to" -> p.oneOf(INSTANTS);
            case "cursor", "since" -> p.chance(0.7) ? Endpoints.cursor(p.oneOf(CURSOR_TEXTS)) : p.oneOf(CURSOR_TEXTS);
            default -> p.oneOf(QUERY_NUMBERS);
        };
        List<Param> list = e.body() == Body.FORM && p.chance(0.6) ? d.form : d.query;
        d.query.removeIf(param -> name.equals(param.name()));
        if (d.form != null) {
            d.form.removeIf(param -> name.equals(param.name()));
        }
        list.add(Param.of(name, value));
        d.mutation = name + "=" + HostileRequest.escape(Draft.utf8(value));
    }

    private static String firstField(ObjectNode json) {
        return json.propertyNames().stream().findFirst().orElse("name");
    }

    /** JSON's own escaping of the marker, as Jackson writes it. */
    private static String escapeJson(String text) {
        return Endpoints.JSON.writeValueAsString(text).replaceAll("^\"|\"$", "");
    }

    private void wrongJson(Draft d, Picks p) {
        String field = firstField(d.json);
        switch (p.between(0, 2)) {
            case 0 -> {
                String value = p.oneOf("123", "true", "null", "[]", "{}", "[\"a\"]", "{\"a\":1}", "1.5", "\"\"");
                String marker = "\u0000value\u0000";
                d.json.put(field, marker);
                d.jsonText = d.json.toString().replace("\"" + escapeJson(marker) + "\"", value);
                d.mutation = field + ": " + value;
            }
            case 1 -> {
                d.jsonText = p.oneOf("[]", "\"a string\"", "42", "null", "true", "[{}]", "{", "{\"a\":", "{\"a\" 1}",
                        "{'a':1}", "{a:1}", "{\"a\":1,}", "\ufeff{}", "{\"a\":1} {\"b\":2}", "// comment\n{}",
                        "{\"a\":\"\u0001\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\x41\"}", "{\"a\":NaN}", "{\"a\":01}",
                        "<xml/>", "a=b&c=d", "{\"a\":\"" + "\\".repeat(3) + "\"}");
                d.mutation = "body " + HostileRequest.escape(Draft.utf8(d.jsonText));
            }
            default -> {
                String text = d.json.toString();
                int cut = p.random.nextInt(Math.max(1, text.length()));
                d.body = (text.substring(0, cut) + "\u00ff\u00fe" + text.substring(cut)).getBytes(StandardCharsets.ISO_8859_1);
                d.mutation = "raw bytes FF FE inside the JSON";
            }
        }
    }

    private void unknownField(Endpoint e, Draft d, Picks p) {
        if (d.json != null) {
            String field = p.oneOf("unknown_" + p.lowerAlnum(4), "client_secret", "client_id", "user_id", "password_hash",
                    "id", "tenant_id", "created_at", "management_scopes", "secret_hash", "__proto__", "@class", "");
            String value = p.oneOf("\"x\"", "1", "true", "{\"@class\":\"java.lang.ProcessBuilder\"}", "[\"tenant:admin\"]",
                    "null");
            String marker = "\u0000unknown\u0000";
            d.json.put(field, marker);
            d.jsonText = d.json.toString().replace("\"" + escapeJson(marker) + "\"", value);
            d.mutation = "JSON member " + (field.isEmpty() ? "\"\"" : field);
            return;
        }
        String name = p.oneOf("debug", "admin", "tenant", "client_secret", "request_uri", "response_mode", "redirect_uri",
                "_method", "scope", "audience", "resource", "unknown_" + p.lowerAlnum(4), "user_id", "include_ended");
        String value = p.oneOf("true", "1", "x", "DELETE", "https://evil.test/cb", "urn:tally:management");
        List<Param> list = d.form != null && p.chance(0.7) ? d.form : d.query;
        list.add(Param.of(name, value));
        d.mutation = "unknown parameter " + name + "=" + value;
    }

    private void control(Draft d, Picks p, Map<String, String> variables, Endpoint e) {
        String control = p.oneOf(CONTROL);
        switch (p.between(0, 4)) {
            case 0, 1 -> {
                List<Param> list = d.form != null && p.chance(0.6) ? d.form : d.query;
                if (list.isEmpty()) {
                    list.add(Param.of("state", "s"));
                }
                int at = p.random.nextInt(list.size());
                Param param = list.get(at);
                String name = param.name() == null ? "x" : param.name();
                String value = param.value() == null ? "" : param.value();
                list.set(at, Param.raw(Draft.encode(name) + "=" + Draft.encode(value) + control));
                d.mutation = control + " at the end of " + name;
            }
            case 2 -> {
                if (d.json != null) {
                    String field = firstField(d.json);
                    String raw = p.oneOf("\u0000", "\r\n", "\u001b[31m", "\u007f", "\u202e", "\ufeff", "\u0085", "\u2028");
                    if (p.chance(0.3)) {
                        String text = d.json.toString();
                        d.jsonText = text.replaceFirst("\":\"", "\":\"" + raw.replace("\\", "\\\\"));
                        d.mutation = "a raw control character in a JSON string";
                    } else {
                        JsonNode current = d.json.get(field);
                        d.json.put(field, (current != null && current.isString() ? current.asString() : "") + raw);
                        d.mutation = "an escaped control character in JSON member " + field;
                    }
                } else {
                    d.header("X-Fuzz", "a" + p.oneOf("\u0000", "\u0001", "\u007f", "\r", "\u00ff") + "b");
                    d.mutation = "a control byte in a header value";
                }
            }
            case 3 -> {
                if (!variables.isEmpty()) {
                    String name = p.oneOf(List.copyOf(variables.keySet()));
                    String encoded = Endpoints.path(e.template(), variables);
                    String segment = Endpoints.segment(variables.get(name));
                    d.path = encoded.replace(segment, segment + control);
                    d.mutation = control + " in {" + name + "}";
                } else {
                    d.path = d.path + control;
                    d.mutation = control + " at the end of the path";
                }
            }
            default -> {
                String raw = p.oneOf("\u0001", "\u007f", "\t", "\r", "\u0000", "\u001b");
                d.path = d.path + raw;
                d.mutation = "a raw control byte in the request target";
            }
        }
    }

    /**
     * Dot segments, encoded slashes and the like. A changing request whose path climbs with dot segments could land on
     * another resource of the same method (a deletion of a spare client climbing to its tenant), so such requests climb
     * from the spare tenant only.
     */
    private void traversal(Draft d, Picks p, Endpoint e, Map<String, String> variables) {
        if (!e.safe() && variables.containsKey("tenant")) {
            variables.put("tenant", fixture.spareTenant());
            d.path = Endpoints.path(e.template(), variables);
        }
        String[] segments = d.path.split("/", -1);
        int at = segments.length <= 2 ? 1 : p.between(1, segments.length - 1);
        String trick = p.oneOf("..", "%2e%2e", ".%2e", "%2E%2E", "..%2f..", "..;", ";jsessionid=FUZZ", ";a=b", "", ".",
                "%2f", "%5c", "\\", "..%5c..", "%252e%252e", "%00", "%2e", "..%00", "...", "%c0%ae%c0%ae");
        String mode = p.oneOf("insert", "append", "replace");
        List<String> out = new ArrayList<>(List.of(segments));
        switch (mode) {
            case "insert" -> out.add(at, trick);
            case "append" -> out.set(at, out.get(at) + trick);
            default -> {
                if (at == 1 && out.size() > 2) {
                    at = 2;
                }
                out.set(at, trick);
            }
        }
        d.path = String.join("/", out);
        if (!d.path.startsWith("/")) {
            d.path = "/" + d.path;
        }
        d.mutation = mode + " " + HostileRequest.escape(trick) + " at segment " + at;
    }

    private void injection(Endpoint e, Draft d, Picks p, Map<String, String> variables) {
        String text = e.template().endsWith("/lifetime-rules") || e.template().endsWith("/lifetime-rules/{ruleId}")
                ? (p.chance(0.6) ? p.oneOf(CEL_BOMBS) : p.oneOf(INJECTIONS)) : p.oneOf(INJECTIONS);
        int where = p.between(0, 3);
        if (where == 0 && d.json != null) {
            String field = e.template().contains("lifetime-rules") && p.chance(0.6) ? "condition"
                    : firstField(d.json);
            d.json.put(field, text);
            d.mutation = "JSON member " + field + ": " + HostileRequest.escape(Draft.utf8(text));
            return;
        }
        if (where == 1 && !variables.isEmpty() && !(e.method().equals("DELETE") && variables.containsKey("tenant")
                && variables.size() == 1)) {
            String name = p.oneOf(List.copyOf(variables.keySet()));
            if (!e.safe() && name.equals("tenant")) {
                name = variables.keySet().stream().filter(v -> !v.equals("tenant")).findFirst().orElse(name);
            }
            variables.put(name, text);
            d.path = Endpoints.path(e.template(), variables);
            d.mutation = "{" + name + "}: " + HostileRequest.escape(Draft.utf8(text));
            return;
        }
        if (where == 2) {
            String header = p.oneOf("User-Agent", "Accept", "Referer", "X-Forwarded-For", "Accept-Language", "Origin");
            d.setHeader(header, Draft.utf8(text.replace("\n", " ").replace("\r", " ")));
            d.mutation = header + ": " + HostileRequest.escape(Draft.utf8(text));
            return;
        }
        List<Param> list = d.form != null && p.chance(0.7) ? d.form : d.query;
        if (list.isEmpty()) {
            list.add(Param.of("q", text));
            d.mutation = "q=" + HostileRequest.escape(Draft.utf8(text));
            return;
        }
        int at = p.random.nextInt(list.size());
        Param param = list.get(at);
        String name = param.name() == null ? "x" : param.name();
        list.set(at, Param.of(name, text));
        d.mutation = name + "=" + HostileRequest.escape(Draft.utf8(text));
    }

    /**
     * Variables that name nothing, the other (witness) tenant's resources under the target tenant, resources of
     * another kind, or garbage. The witness tenant itself is named by reads only.
     */
    private void foreign(Endpoint e, Draft d, Picks p, Map<String, String> variables) {
        String name = p.oneOf(List.copyOf(variables.keySet()));
        Fixture.Witnesses w = fixture.witnesses();
        String value = switch (name) {
            case "tenant" -> e.safe()
                    ? p.oneOf("does-not-exist", "FUZZ", "FUZZ-WITNESS", "fuzz ", Picks.repeat("a", 64), "-", "0",
                            "\u00fc", "fuzz-spare", w.tenant(), "t", "admin", "*")
                    : p.oneOf("does-not-exist", "FUZZ", "FUZZ-WITNESS", "fuzz ", Picks.repeat("a", 64), "-", "0",
                            "\u00fc", "t", "admin", "*");
            case "clientId" -> p.oneOf(w.otherTenantClient().id(), p.alnum(32), fixture.user().id(), "",
                    fixture.confidential().id().toUpperCase(java.util.Locale.ROOT), fixture.confidential().id() + " ",
                    "null", "\ud83d\ude00");
            case "apiId" -> p.oneOf(w.otherTenantApi(), "api_" + p.alnum(24), fixture.rule(), "", "null",
                    fixture.apiIdentifier());
            case "userId" -> p.oneOf("usr_" + p.alnum(24), fixture.confidential().id(), "",
                    fixture.user().id().toUpperCase(java.util.Locale.ROOT), "null");
            case "ruleId" -> p.oneOf("rule_" + p.alnum(20), fixture.api(), "", "null");
            case "sessionId" -> p.oneOf("ses_" + p.alnum(24), fixture.tokens().familyIds().get(0), "", "null");
            case "familyId" -> p.oneOf("rtf_" + p.alnum(24), fixture.tokens().sessionIds().get(0), "", "null",
                    fixture.tokens().refreshTokens().get(0));
            case "projection" -> p.oneOf("nope", "AUDIT", "audit ", "query-audit", "kafka-relay", "");
            case "metric" -> p.oneOf("nope", "", "jvm..memory", "tally.projection.lag");
            default -> p.oneOf("nope", "", "x");
        };
        variables.put(name, value);
        d.path = Endpoints.path(e.template(), variables);
        d.mutation = "{" + name + "} = " + HostileRequest.escape(Draft.utf8(value));
    }

    private void credentials(Endpoint e, Draft d, Picks p) {
        String id = fixture.confidential().id();
        String secret = fixture.confidential().secret();
        String value = switch (p.between(0, 16)) {
            case 0 -> "Basic !!!not-base64!!!";
            case 1 -> "Basic " + b64("no-colon-here");
            case 2 -> "Basic " + b64(id + ":%zz" + secret.substring(4));
            case 3 -> "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, ':', 'x'});
            case 4 -> "Basic ";
            case 5 -> "Basic " + b64(":");
            case 6 -> "Basic " + b64(id + ":" + p.alnum(43));
            case 7 -> "basic " + b64(id + ":" + p.alnum(43));
            case 8 -> "Bearer";
            case 9 -> "Bearer " + fixture.adminToken().substring(0, fixture.adminToken().length() - 1);
            case 10 -> "Bearer " + jwt("{\"alg\":\"none\",\"typ\":\"at+jwt\"}", "{\"iss\":\"http://" + host + "/t/"
                    + fixture.tenant() + "\",\"aud\":\"urn:tally:management\",\"sub\":\"x\",\"exp\":9999999999,"
                    + "\"scope\":\"tenant:admin\",\"client_id\":\"" + fixture.management().id() + "\"}") + ".";
            case 11 -> "Bearer " + jwt("{\"alg\":\"ES256\",\"kid\":\"../../etc/passwd\",\"typ\":\"at+jwt\"}",
                    "{\"exp\":1e20,\"iat\":-1,\"aud\":[],\"sub\":{}}") + "." + p.alnum(86);
            case 12 -> "Bearer " + jwt("not json", "{}") + "." + p.alnum(10);
            case 13 -> "Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe})
                    + "." + jwt("{}", "{}");
            case 14 -> "Bearer " + fixture.tokens().idTokens().get(0);
            case 15 -> "Digest username=\"" + id + "\", realm=\"tally\"";
            default -> "Bearer " + fixture.tokens().accessTokens().get(0) + " " + p.alnum(5);
        };
        if (e.body() == Body.FORM && p.chance(0.15)) {
            // both client_secret_basic and client_secret_post
            d.basic(id, secret);
            d.form.removeIf(param -> "client_secret".equals(param.name()));
            d.form.add(Param.of("client_secret", secret));
            d.mutation = "Basic and client_secret both";
            return;
        }
        secrets.add("Basic credentials", value.startsWith("Basic ") ? value.substring(6) : null);
        d.setHeader("Authorization", Draft.utf8(value));
        d.mutation = "Authorization: " + HostileRequest.escape(value.length() > 60 ? value.substring(0, 60) + "..." : value);
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String jwt(String header, String payload) {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        return e.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + e.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    }

    private void cookie(Draft d, Picks p) {
        String value = p.oneOf("tally_session=" + p.alnum(43), "tally_session=a; tally_session=b",
                "tally_session=" + Picks.repeat("c", 5_000), "tally_session=\"\u0001\"", "$Version=1; tally_session=x",
                "tally_session", "tally_login=" + p.alnum(43), "", "=; =; =", "tally_session=%zz%ff",
                "tally_session=" + fixture.tokens().sessionCookie() + "x", "tally_login=\u00ff\u00fe",
                String.join("; ", Collections.nCopies(200, "c=1")));
        d.setHeader("Cookie", value);
        d.mutation = "Cookie: " + HostileRequest.escape(value.length() > 60 ? value.substring(0, 60) + "..." : value);
    }

    private void framing(Draft d, Picks p) {
        byte[] body = d.bodyBytes();
        switch (p.between(0, 10)) {
            case 0 -> {
                d.setHeader("Transfer-Encoding", "chunked");
                d.body = ("zz\r\n" + new String(body, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                d.mutation = "chunk size zz";
            }
            case 1 -> {
                d.setHeader("Content-Length", "-1");
                d.mutation = "Content-Length: -1";
            }
            case 2 -> {
                d.setHeader("Content-Length", "abc");
                d.mutation = "Content-Length: abc";
            }
            case 3 -> {
                d.setHeader("Content-Length", "99999999999999999999");
                d.body = new byte[0];
                d.mutation = "Content-Length: 99999999999999999999 and no body";
            }
            case 4 -> {
                d.header("Content-Length", Integer.toString(body.length));
                d.header("Content-Length", Integer.toString(body.length + 1));
                d.mutation = "two different Content-Length headers";
            }
            case 5 -> {
                d.header("Transfer-Encoding", "chunked");
                d.header("Content-Length", Integer.toString(body.length));
                d.body = chunk(body);
                d.mutation = "Content-Length and Transfer-Encoding: chunked";
            }
            case 6 -> {
                d.version = "HTTP/1.0";
                d.host = p.chance(0.5) ? null : d.host;
                d.mutation = "HTTP/1.0" + (d.host == null ? " without Host" : "");
            }
            case 7 -> {
                d.target = p.oneOf("http://" + host, "http://evil.test", "https://" + host) + d.requestTarget();
                d.mutation = "absolute-form target";
            }
            case 8 -> {
                d.target = "*";
                d.mutation = "asterisk target";
            }
            case 9 -> {
                switch (p.between(0, 2)) {
                    case 0 -> d.header("Bad Header", "x");
                    case 1 -> d.headers.add(new String[] {"NoColonAtAll", null});
                    default -> d.header("X-Fuzz\u0000", "y");
                }
                d.mutation = "malformed header names";
            }
            default -> {
                d.setHeader("Content-Length", "0" + body.length);
                d.mutation = "Content-Length with a leading zero";
            }
        }
    }

    private static byte[] chunk(byte[] body) {
        String text = Integer.toHexString(body.length) + "\r\n" + new String(body, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n";
        return (body.length == 0 ? "0\r\n\r\n" : text).getBytes(StandardCharsets.ISO_8859_1);
    }
}
