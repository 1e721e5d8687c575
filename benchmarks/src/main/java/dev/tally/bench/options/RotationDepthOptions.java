package dev.tally.bench.options;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line of the rotation depth probe ({@code RotationDepthProbe}): its own {@code --key=value} options, and the
 * load tool's ({@link LoadOptions}) for the server it talks to ({@code --jar}, {@code --base-url} or a peer's) and
 * for the background load, which is the load tool's refresh scenario with {@code --background} threads.
 */
public record RotationDepthOptions(LoadOptions load, int rotations, int window, int warmupRotations, int background,
                                   boolean help) {

    public static final String USAGE = """
            Usage: java -cp <classes> dev.tally.bench.RotationDepthProbe [options]

            Whether the cost of a refresh token rotation grows with the family's generation: one family, started
            with the password grant, is rotated --rotations times in sequence, each request presenting the refresh
            token of the answer before; latency percentiles and the server's CPU per rotation of the first --window
            rotations are set against those of the last --window.

            Probe:
              --rotations=N            rotations of the probe's family, timed one by one (default 5000)
              --window=N               rotations in each window compared (default 500; at most --rotations)
              --warmup-rotations=N     rotations of another family first, not timed, so that the first window
                                       does not pay for the server's JIT (default 1000; 0 for none)
              --background=N           N threads of the load tool's refresh scenario (one family each) load the
                                       server from before the first timed rotation to the last (default 0; at
                                       most an hour)
              --help
            Server, as for the load tool (ClientCredentialsLoad --help): --jar=PATH [--server-jvm-args=ARGS]
              [--server-args=ARGS], or --base-url=URL [--admin-token=TOKEN], or --peer-token-url=URL
              --peer-client=ID:SECRET --peer-user=NAME:PASSWORD [--peer-scope=SCOPE] [--peer-pid=PID]; also
              --tenants, --threads, --http-executor and --validate-every for the background load.
            Exit status: 0 every rotation answered and valid and no background error, 1 otherwise, 2 bad usage.
            """;

    private static final Set<String> OWN_KEYS = Set.of("rotations", "window", "warmup-rotations", "background");
    /** Load options the probe sets itself: the background runs the refresh scenario for as long as the probe. */
    private static final Set<String> SET_BY_THE_PROBE = Set.of("scenario", "concurrency", "warmup", "duration",
            "max-requests");

    public static RotationDepthOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> own = new HashMap<>();
        List<String> forLoad = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return new RotationDepthOptions(null, 5000, 500, 1000, 0, true);
            }
            int eq = arg.indexOf('=');
            String key = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : "";
            if (SET_BY_THE_PROBE.contains(key)) {
                throw new IllegalArgumentException("--" + key + " does not apply to the probe: its background load runs"
                        + " the refresh scenario with --background threads for as long as the probe");
            }
            if (!OWN_KEYS.contains(key)) {
                forLoad.add(arg);
            } else if (own.put(key, arg.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("option given twice: --" + key);
            }
        }
        int rotations = (int) LoadOptions.number(own, "rotations", 5000, 1, 10_000_000);
        int window = (int) LoadOptions.number(own, "window", 500, 1, 10_000_000);
        if (window > rotations) {
            throw new IllegalArgumentException("--window (" + window + ") must not exceed --rotations (" + rotations
                    + ")");
        }
        int warmup = (int) LoadOptions.number(own, "warmup-rotations", 1000, 0, 10_000_000);
        int background = (int) LoadOptions.number(own, "background", 0, 0, 4096);
        forLoad.addAll(List.of("--scenario=refresh", "--concurrency=" + Math.max(1, background), "--warmup=0",
                "--duration=3600", "--max-requests=100000000"));
        return new RotationDepthOptions(LoadOptions.parse(forLoad.toArray(String[]::new), env), rotations, window,
                warmup, background, false);
    }

    /** Whether the two windows share rotations (fewer than twice --window rotations). */
    public boolean windowsOverlap() {
        return rotations < 2 * window;
    }
}
