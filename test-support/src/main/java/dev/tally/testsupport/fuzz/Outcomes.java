package dev.tally.testsupport.fuzz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server answered, counted: by status, by endpoint and by category; every answer of 500 or more grouped by
 * its cause (endpoint, category, status and the error the body names) with the first example of each; requests that
 * got no answer at all, by reason.
 */
public final class Outcomes {
    private static final Pattern ERROR_CODE = Pattern.compile("\"(?:error|title)\"\\s*:\\s*\"([^\"]{1,60})\"");
    private final LongAdder requests = new LongAdder();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, LongAdder>> byEndpoint = new ConcurrentHashMap<>();
    private final Map<Category, Map<Integer, LongAdder>> byCategory = new ConcurrentHashMap<>();
    private final Map<Category, LongAdder> nanosByCategory = new ConcurrentHashMap<>();
    private final Map<String, Cause> serverErrors = new ConcurrentHashMap<>();
    private final Map<String, Cause> unanswered = new ConcurrentHashMap<>();
    private final Secrets secrets;

    Outcomes(Secrets secrets) {
        this.secrets = secrets;
    }

    /** One distinct cause: how often, and the first request that showed it with what came back. */
    public record Cause(String key, AtomicLong count, long firstIndex, String request, String answer) {
        @Override
        public String toString() {
            return key + ": " + count.get() + "x; first at index " + firstIndex + "\n    " + request
                    + "\n    answer: " + answer;
        }
    }

    void record(HostileRequest request, Answer answer, long nanos) {
        requests.increment();
        nanosByCategory.computeIfAbsent(request.category(), k -> new LongAdder()).add(nanos);
        int status = answer.status();
        count(byStatus, status);
        count(byEndpoint.computeIfAbsent(request.endpoint(), k -> new ConcurrentHashMap<>()), status);
        count(byCategory.computeIfAbsent(request.category(), k -> new ConcurrentHashMap<>()), status);
        if (status >= 500) {
            Matcher code = ERROR_CODE.matcher(answer.body() == null ? "" : answer.body());
            String key = request.cause() + " -> " + status + (code.find() ? " " + code.group(1) : "");
            remember(serverErrors, key, request, status + " " + excerpt(secrets.mask(answer.body())));
        } else if (!answer.answered()) {
            String reason = answer.failure().replaceAll("\\d+ bytes", "N bytes");
            remember(unanswered, request.cause() + " -> " + reason, request, reason);
        }
    }

    private void remember(Map<String, Cause> causes, String key, HostileRequest request, String answer) {
        causes.computeIfAbsent(key, k -> new Cause(k, new AtomicLong(), request.index(),
                request.mutation() + " | " + request.describe(secrets), secrets.mask(answer))).count().incrementAndGet();
    }

    private static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String flat = body.replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    private static void count(Map<Integer, LongAdder> counts, int status) {
        counts.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    public long requests() {
        return requests.sum();
    }

    public long serverErrorCount() {
        return serverErrors.values().stream().mapToLong(c -> c.count().get()).sum();
    }

    public long unansweredCount() {
        return unanswered.values().stream().mapToLong(c -> c.count().get()).sum();
    }

    /** The distinct causes of answers of 500 or more, most frequent first. */
    public List<Cause> serverErrors() {
        return sorted(serverErrors);
    }

    public List<Cause> unanswered() {
        return sorted(unanswered);
    }

    private static List<Cause> sorted(Map<String, Cause> causes) {
        List<Cause> list = new ArrayList<>(causes.values());
        list.sort(Comparator.comparingLong((Cause c) -> c.count().get()).reversed().thenComparing(Cause::key));
        return list;
    }

    /** Statuses and their counts, "200: 12, 400: 30, ..." (0 is no answer). */
    public String statuses() {
        return format(byStatus);
    }

    public String byEndpoint() {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(byEndpoint).forEach((endpoint, counts) -> text.append("  ").append(endpoint).append(": ")
                .append(format(counts)).append('\n'));
        return text.toString();
    }

    public String byCategory() {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(byCategory).forEach((category, counts) -> text.append("  ").append(category).append(" (")
                .append(String.format("%.1f s", nanosByCategory.get(category).sum() / 1e9)).append("): ")
                .append(format(counts)).append('\n'));
        return text.toString();
    }

    private static String format(Map<Integer, LongAdder> counts) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(counts).forEach((status, n) -> text.append(text.isEmpty() ? "" : ", ")
                .append(status == 0 ? "no answer" : status).append(": ").append(n.sum()));
        return text.toString();
    }
}
