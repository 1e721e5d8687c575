package dev.tally.bench.options;

import dev.tally.bench.scenario.Scenario;
import dev.tally.bench.server.Peer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/** Command line of the load tool ({@code ClientCredentialsLoad}): {@code --key=value} options. */
public record LoadOptions(
        Scenario scenario,
        Path jar,
        List<String> serverJvmArgs,
        List<String> serverArgs,
        String baseUrl,
        String adminToken,
        int concurrency,
        int warmupSeconds,
        int durationSeconds,
        long maxRequests,
        int tenants,
        boolean virtualThreads,
        boolean directExecutor,
        int validateEvery,
        boolean help,
        String adminUrl,
        Peer peer) {

    /** Arguments the tool sets on the server it starts itself; --server-args must not set them a second time. */
    static final List<String> RESERVED_SERVER_ARGS = List.of("--server.port", "--server.address", "--tally.data-dir");

    public static final String USAGE = """
            Usage: java -cp <classes> dev.tally.bench.ClientCredentialsLoad [options]

            Drives POST /t/{tenant}/oauth/token of a Tally server in a closed loop and prints throughput,
            latency percentiles and the server's resident memory. Every scenario also runs against
            another server's token endpoint (--peer-token-url), to compare the two with one tool.

            Scenario:
              --scenario=client_credentials  (default) grant_type=client_credentials with a machine client
              (with --base-url: a comma-separated list of token-service nodes spreads the workers over them,
               and --admin-url=URL names the management API when it is served elsewhere: distributed mode)
              --scenario=password      grant_type=password of the refresh scenario's user, without offline_access
              --scenario=introspect    RFC 7662 introspection of a client-credentials access token
              --scenario=refresh       refresh token rotation: one user and a regular_web client with rotation
                                       "rotate" per tenant; each thread gets its own refresh token with the
                                       password grant (one family per thread), then presents the refresh_token
                                       of each 200 answer next. A refused token or an exception ends that thread
                                       (its token may be spent), and counts as an error.

            Server (exactly one of --jar, --base-url, --peer-token-url):
              --jar=PATH               start PATH (tally.jar) as a child process: same JDK as this tool,
                                       free port on 127.0.0.1, fresh temp data dir, random admin token;
                                       stopped at the end (also on failure and Ctrl-C)
              --server-jvm-args=ARGS   JVM options for that child, split on whitespace (e.g. "-Xmx512m")
              --server-args=ARGS       program arguments for that child, split on whitespace, e.g.
                                       "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/bench
                                       --spring.datasource.username=postgres" (not --server.port,
                                       --server.address or --tally.data-dir: the tool sets those)
              --base-url=URL           an already running server, loopback only (e.g. http://127.0.0.1:8080)
              --admin-token=TOKEN      its admin token (default: environment TALLY_ADMIN_TOKEN)
              --peer-token-url=URL     the scenario against another server's token endpoint, loopback only,
                                       e.g. Keycloak's
                                       http://127.0.0.1:8180/realms/bench/protocol/openid-connect/token:
                                       nothing started or provisioned; refresh (the default there): each thread
                                       starts its family with the password grant (client_secret_post) and
                                       rotates it as against Tally; client_credentials: the peer client's token
                                       request; introspect: one token of the peer client, introspected at
                                       URL/introspect by that client; password: the peer user's password grant,
                                       no scope. Answers must carry an access token (and a new refresh token),
                                       or say active=true; expires_in is the peer's own
              --peer-client=ID:SECRET  the peer's confidential client (split at the first ':'), allowed the
                                       password, refresh_token and client_credentials grants
              --peer-user=NAME:PASSWORD  the user whose families the threads start, or whose password grant
                                       is sent (split at the first ':'); refresh and password only
              --peer-scope=SCOPE       scope of the password grant (default none: Keycloak returns a refresh
                                       token without one; offline_access asks it for an offline session)
              --peer-pid=PID           the peer's process, for its CPU and memory (default: the process
                                       listening on the URL's port, if this user may see it; else not measured)
            Load:
              --concurrency=N          client threads, each in a closed loop (default 16)
              --warmup=SECONDS         unmeasured warm-up (default 10)
              --duration=SECONDS       measurement window (default 30)
              --max-requests=N         hard cap on requests sent, warm-up included (default 2000000)
              --tenants=N              tenants to spread the load over, each with its own API and client (default 1)
              --threads=platform|virtual  kind of client threads (default platform)
              --http-executor=direct|pool HttpClient executor: direct = complete responses on its selector
                                       thread (default, cheaper), pool = the JDK's default thread pool
              --validate-every=N       check every Nth successful response per thread (default 1000)
              --help
            Exit status: 0 clean run, 1 run failed or saw errors/invalid tokens (report still printed), 2 bad usage.
            """;

    private static final Set<String> KEYS = Set.of("scenario", "jar", "server-jvm-args", "server-args", "base-url", "admin-url", "admin-token", "concurrency",
            "warmup", "duration", "max-requests", "tenants", "threads", "http-executor", "validate-every",
            "peer-token-url", "peer-client", "peer-user", "peer-scope", "peer-pid");
    /** Options of a peer, refused without --peer-token-url. */
    private static final List<String> PEER_KEYS = List.of("peer-client", "peer-user", "peer-scope", "peer-pid");
    /** Options of a Tally the tool provisions, refused with --peer-token-url. */
    private static final List<String> TALLY_KEYS = List.of("tenants", "admin-token", "admin-url");

    public static LoadOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> kv = new HashMap<>();
        boolean help = false;
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --key=value, got: " + arg);
            }
            String key = arg.substring(2, eq);
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            if (kv.put(key, arg.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("option given twice: --" + key);
            }
        }
        if (help) {
            return new LoadOptions(Scenario.CLIENT_CREDENTIALS, null, List.of(), List.of(), null, null, 16, 10, 30,
                    2_000_000, 1, false, true, 1000, true, null, null);
        }

        Path jar = kv.containsKey("jar") ? Path.of(nonEmpty(kv, "jar")).toAbsolutePath() : null;
        String baseUrl = kv.get("base-url");
        String peerUrl = kv.get("peer-token-url");
        if (Stream.of(jar, baseUrl, peerUrl).filter(Objects::nonNull).count() != 1) {
            throw new IllegalArgumentException("give exactly one of --jar, --base-url or --peer-token-url");
        }
        Peer peer = peerUrl == null ? noPeer(kv) : peer(kv, peerUrl);
        Scenario scenario = Scenario.of(kv.getOrDefault("scenario",
                (peer != null ? Scenario.REFRESH : Scenario.CLIENT_CREDENTIALS).option()));
        List<String> jvmArgs = serverWords(kv, "server-jvm-args", jar);
        List<String> serverArgs = serverWords(kv, "server-args", jar);
        for (String a : serverArgs) {
            for (String reserved : RESERVED_SERVER_ARGS) {
                if (a.equals(reserved) || a.startsWith(reserved + "=")) {
                    throw new IllegalArgumentException("--server-args must not set " + reserved + ": the tool sets it");
                }
            }
        }
        String adminToken = null;
        if (baseUrl != null) {
            // Several token-service nodes (distributed mode): a comma-separated list, workers spread over them.
            baseUrl = String.join(",", Arrays.stream(baseUrl.split(",")).map(String::trim)
                    .map(url -> checkLoopbackUrl("--base-url", url)).toList());
            adminToken = kv.getOrDefault("admin-token", env.get("TALLY_ADMIN_TOKEN"));
            if (adminToken == null || adminToken.isBlank()) {
                throw new IllegalArgumentException("--base-url needs --admin-token (or TALLY_ADMIN_TOKEN)");
            }
        } else if (peer == null && (kv.containsKey("admin-token") || kv.containsKey("admin-url"))) {
            throw new IllegalArgumentException("--admin-token and --admin-url only apply with --base-url (with --jar the tool starts the server)");
        }
        String adminUrl = baseUrl == null ? null
                : kv.containsKey("admin-url") ? checkLoopbackUrl("--admin-url", kv.get("admin-url"))
                : baseUrl.split(",")[0];
        String threads = kv.getOrDefault("threads", "platform");
        if (!threads.equals("platform") && !threads.equals("virtual")) {
            throw new IllegalArgumentException("--threads must be platform or virtual");
        }
        String executor = kv.getOrDefault("http-executor", "direct");
        if (!executor.equals("direct") && !executor.equals("pool")) {
            throw new IllegalArgumentException("--http-executor must be direct or pool");
        }
        return new LoadOptions(scenario, jar, jvmArgs, serverArgs, baseUrl, adminToken,
                (int) number(kv, "concurrency", 16, 1, 4096),
                (int) number(kv, "warmup", 10, 0, 3600),
                (int) number(kv, "duration", 30, 1, 3600),
                number(kv, "max-requests", 2_000_000, 1, 100_000_000),
                (int) number(kv, "tenants", 1, 1, 1000),
                threads.equals("virtual"),
                executor.equals("direct"),
                (int) number(kv, "validate-every", 1000, 1, Integer.MAX_VALUE),
                false,
                adminUrl,
                peer);
    }

    /** With --peer-token-url: the refresh scenario there, as the given client and user, nothing provisioned. */
    private static Peer peer(Map<String, String> kv, String url) {
        for (String key : TALLY_KEYS) {
            if (kv.containsKey(key)) {
                throw new IllegalArgumentException("--" + key
                        + " does not apply to a peer: the tool does not provision it");
            }
        }
        String[] client = pair(kv, "peer-client", "ID:SECRET");
        Scenario scenario = Scenario.of(kv.getOrDefault("scenario", Scenario.REFRESH.option()));
        boolean needsUser = scenario == Scenario.REFRESH || scenario == Scenario.PASSWORD;
        if (!needsUser && kv.containsKey("peer-user")) {
            throw new IllegalArgumentException("--peer-user applies to the refresh and password scenarios only");
        }
        if (scenario != Scenario.REFRESH && kv.containsKey("peer-scope")) {
            throw new IllegalArgumentException("--peer-scope applies to the refresh scenario only");
        }
        String[] user = needsUser ? pair(kv, "peer-user", "NAME:PASSWORD") : new String[] {null, null};
        String scope = kv.getOrDefault("peer-scope", "").trim();
        Long pid = kv.containsKey("peer-pid") ? number(kv, "peer-pid", 0, 1, Long.MAX_VALUE) : null;
        return new Peer(URI.create(checkLoopbackUrl("--peer-token-url", url)), client[0], client[1], user[0], user[1],
                scope.isEmpty() ? null : scope, pid);
    }

    private static Peer noPeer(Map<String, String> kv) {
        for (String key : PEER_KEYS) {
            if (kv.containsKey(key)) {
                throw new IllegalArgumentException("--" + key + " only applies with --peer-token-url");
            }
        }
        return null;
    }

    /** {@code --key=A:B}, split at the first ':'; both parts must be there. */
    private static String[] pair(Map<String, String> kv, String key, String shape) {
        String v = kv.get(key);
        int colon = v == null ? -1 : v.indexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new IllegalArgumentException("--peer-token-url needs --" + key + "=" + shape);
        }
        return new String[] {v.substring(0, colon), v.substring(colon + 1)};
    }

    /**
     * Traffic goes to this machine only: the URL's host must be a loopback address. Returns it without a trailing '/'.
     *
     * @param option the option it came with, for the message
     */
    static String checkLoopbackUrl(String option, String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + option + ": " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(option + " must be http(s)://host:port, got: " + url);
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalArgumentException(option
                    + " must point to a loopback address (127.0.0.1, localhost, [::1]): " + url);
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** A whitespace-separated list for the server child; only meaningful with --jar. */
    private static List<String> serverWords(Map<String, String> kv, String key, Path jar) {
        if (!kv.containsKey(key)) {
            return List.of();
        }
        if (jar == null) {
            throw new IllegalArgumentException("--" + key + " only applies with --jar");
        }
        String raw = kv.get(key).trim();
        return raw.isEmpty() ? List.of() : List.of(raw.split("\\s+"));
    }

    private static String nonEmpty(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + key + " needs a value");
        }
        return v;
    }

    /** {@code --key=N} as a whole number in [min, max] ('_' and ',' allowed between digits), or the default. */
    static long number(Map<String, String> kv, String key, long dflt, long min, long max) {
        String v = kv.get(key);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a whole number, got: " + v);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + key + " must be in [" + min + ", " + max + "], got: " + n);
        }
        return n;
    }
}
