package dev.tally.testsupport.fuzz;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every secret a run used: the administrator's token, client secrets, passwords (and the pieces of a password around
 * bytes the container cannot decode, which is how the container would print it), tokens, codes, cookies, CSRF tokens,
 * including those the server handed out during the run. Requests are printed with them masked, and the server's log
 * is searched for every one of them at the end.
 */
public final class Secrets {
    /** Shorter strings are not distinctive enough to search a log for. */
    static final int SHORTEST = 8;
    private static final Pattern JSON_SECRET = Pattern.compile(
            "\"(access_token|refresh_token|id_token|client_secret)\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CODE_IN_LOCATION = Pattern.compile("[?&]code=([^&#]+)");
    private static final Pattern TALLY_COOKIE = Pattern.compile("^(tally_\\w+)=([^;]+)");
    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final Map<String, String> labels = new ConcurrentHashMap<>();

    /** Registers {@code secret} under {@code label} (what it is, for the report); short or null values are ignored. */
    public void add(String label, String secret) {
        if (secret != null && secret.length() >= SHORTEST) {
            labels.putIfAbsent(secret, label);
            String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
            if (!encoded.equals(secret)) {
                labels.putIfAbsent(encoded, label + " (form-encoded)");
            }
        }
    }

    /**
     * The two pieces of {@code secret} around a cut at {@code cut} (where the run put bytes the container cannot decode,
     * and the container prints what it read), each registered if it holds at least {@link #SHORTEST} characters of the
     * secret part: in a dotted token (a JWT, a refresh token) that is what follows the last dot, since a JWT's header and
     * payload, and a refresh token's family id, are readable by design.
     */
    void addPieces(String label, String secret, int cut) {
        int secretFrom = secret.lastIndexOf('.') + 1;
        if (cut - secretFrom >= SHORTEST) {
            add(label + " (the piece before the undecodable bytes)", secret.substring(0, cut));
        }
        if (secret.length() - Math.max(cut, secretFrom) >= SHORTEST) {
            add(label + " (the piece after the undecodable bytes)", secret.substring(cut));
        }
    }

    /** What {@code value} is, if it is a registered secret; {@code null} otherwise. */
    String labelOf(String value) {
        return value == null ? null : labels.get(value);
    }

    public int size() {
        return labels.size();
    }

    /** Registers what an answer of the server carries: tokens and secrets in JSON, codes in redirects, cookies, CSRF. */
    void learnFrom(Answer answer) {
        if (answer.body() != null) {
            Matcher json = JSON_SECRET.matcher(answer.body());
            while (json.find()) {
                add(json.group(1) + " issued during the run", json.group(2));
            }
            Matcher csrf = HIDDEN_CSRF.matcher(answer.body());
            while (csrf.find()) {
                add("CSRF token issued during the run", csrf.group(1));
            }
        }
        for (String location : answer.headers("location")) {
            Matcher code = CODE_IN_LOCATION.matcher(location);
            while (code.find()) {
                add("authorization code issued during the run", code.group(1));
            }
        }
        for (String cookie : answer.headers("set-cookie")) {
            Matcher m = TALLY_COOKIE.matcher(cookie);
            if (m.find()) {
                add(m.group(1) + " cookie issued during the run", m.group(2));
            }
        }
    }

    /** {@code text} with every registered secret replaced by its label in guillemets. */
    public String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        List<String> present = new ArrayList<>();
        for (String secret : labels.keySet()) {
            if (text.contains(secret)) {
                present.add(secret);
            }
        }
        present.sort(Comparator.comparingInt(String::length).reversed());
        String masked = text;
        for (String secret : present) {
            masked = masked.replace(secret, "«" + labels.get(secret) + "»");
        }
        return masked;
    }

    /**
     * Every registered secret {@code log} contains, with how often and the first line it is on (masked). One pass over
     * the log with a rolling hash of the next {@link #SHORTEST} characters, looked up among the hashes of the secrets'
     * first ones; only a hit is compared in full, so a log of hundreds of megabytes and thousands of secrets take
     * seconds.
     */
    public List<Leak> findIn(String log) {
        Map<Long, List<String>> byPrefix = new HashMap<>();
        for (String secret : labels.keySet()) {
            byPrefix.computeIfAbsent(hash(secret, 0), k -> new ArrayList<>()).add(secret);
        }
        long highest = 1;
        for (int i = 1; i < SHORTEST; i++) {
            highest *= 31;
        }
        Map<String, Leak> found = new LinkedHashMap<>();
        if (log.length() < SHORTEST) {
            return List.of();
        }
        long rolling = hash(log, 0);
        for (int at = 0; ; at++) {
            List<String> candidates = byPrefix.get(rolling);
            if (candidates != null) {
                for (String secret : candidates) {
                    if (log.startsWith(secret, at)) {
                        // by what it is: the pieces of one password, or many tokens of one kind, are one finding
                        String label = labels.get(secret);
                        found.merge(label, new Leak(label, 1, lineAround(log, at)),
                                (first, again) -> new Leak(label, first.occurrences() + 1, first.firstLine()));
                    }
                }
            }
            if (at + SHORTEST >= log.length()) {
                break;
            }
            rolling = (rolling - log.charAt(at) * highest) * 31 + log.charAt(at + SHORTEST);
        }
        return List.copyOf(found.values());
    }

    /** The polynomial hash of the {@link #SHORTEST} characters of {@code text} from {@code from}. */
    private static long hash(String text, int from) {
        long h = 0;
        for (int i = from; i < from + SHORTEST; i++) {
            h = h * 31 + text.charAt(i);
        }
        return h;
    }

    /** The line, masked before it is shortened, so that no part of a secret shows. */
    private String lineAround(String log, int at) {
        int start = log.lastIndexOf('\n', at) + 1;
        int end = log.indexOf('\n', at);
        String line = mask(log.substring(start, end < 0 ? log.length() : end));
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }

    /** Secrets of one kind found in the server's log: what they are, how often, the first line (every secret masked). */
    public record Leak(String label, int occurrences, String firstLine) {
        @Override
        public String toString() {
            return label + " (" + occurrences + "x), first in: " + firstLine;
        }
    }
}
