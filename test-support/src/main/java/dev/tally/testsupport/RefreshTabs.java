package dev.tally.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Browser tabs of one application that keep their refresh token in one storage slot (as tabs share
 * {@code localStorage}) and refresh at the same moment, over real HTTP, round after round; what each round showed is
 * counted in a {@link Tally} for the test to assert at the end.
 *
 * <p>A round: every tab reads the storage and presents the same token at once (each on its own thread, released
 * together); each writes the refresh token of its 200 answer to the storage, in an order shuffled by the seeded
 * random; then every tab refreshes once more from the storage, one after the other (each reading what the one before
 * wrote) or all at once, and must get 200. A tab that gets 503, or loses its answer (the connection broke: a node
 * died under it), presents the same token again, up to {@value #ATTEMPTS} times in all, where {@link Routing} sends
 * it. In a round that drops an answer, one tab's first request is abandoned: the tab either gives up at once, as a
 * client whose timeout ran out, or waits for the answer and never reads it, as one whose connection broke after the
 * server answered; then it presents the same token again. The abandoned answer is still read by the test and counts
 * with the others, and the round waits for it, so no request of one round lands in the next.
 *
 * <p>Each family's successive stored tokens are kept ({@link #chain()}), so a test can present one two generations
 * old, or the previous one, when it ends the family with a genuine reuse.
 */
public final class RefreshTabs implements AutoCloseable {
    /** Presentations of one token by one tab in one step, at most: the first and up to three after a 503 or lost answer. */
    public static final int ATTEMPTS = 4;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int SAMPLES = 12;

    /** Where a tab's request goes: a base URL such as {@code http://127.0.0.1:8083}. */
    public interface Routing {
        String baseUrl(int tab, int round, int attempt);
    }

    /** How every tab refreshes once more after the simultaneous step. */
    public enum FollowUp { ONE_BY_ONE, AT_ONCE }

    /**
     * What one round does besides the simultaneous step and the follow-up.
     *
     * @param dropOne            one tab, chosen by the seeded random, abandons its first request
     * @param answerBeforeRetry  that tab waits until the server has answered (and ignores it) before it tries again;
     *                           otherwise it tries again at once
     * @param whileInFlight      run once every tab has been released (a fault: a node killed); may be {@code null}
     * @param afterTogether      run once every tab of the simultaneous step has its answer; may be {@code null}
     */
    public record Plan(boolean dropOne, boolean answerBeforeRetry, FollowUp followUp, Runnable whileInFlight,
                       Runnable afterTogether) {
        public static Plan of(FollowUp followUp) {
            return new Plan(false, false, followUp, null, null);
        }

        public Plan droppingOne(boolean answerBeforeRetry) {
            return new Plan(true, answerBeforeRetry, followUp, whileInFlight, afterTogether);
        }

        public Plan whileInFlight(Runnable fault) {
            return new Plan(dropOne, answerBeforeRetry, followUp, fault, afterTogether);
        }

        public Plan afterTogether(Runnable step) {
            return new Plan(dropOne, answerBeforeRetry, followUp, whileInFlight, step);
        }
    }

    /** A login that started a family: the tokens the tabs begin with. */
    public interface Family {
        String refreshToken();

        String accessToken();
    }

    /** How a test logs in, and how it ends a family (a genuine reuse) that came through its rounds unbroken. */
    public interface Families<F extends Family> {
        F login();

        void end(F family, RefreshTabs tabs, int index);
    }

    /** One request: its node, status (0 when the answer was lost) and the tokens of a 200. */
    public record Answer(int tab, int attempt, String node, int status, String refreshToken, String accessToken,
                         String body) {
        public boolean lost() {
            return status == 0;
        }

        boolean retryable() {
            return lost() || status == 503;
        }

        @Override
        public String toString() {
            String answer = lost() ? "lost (" + body + ")" : status == 200 ? "200 refresh token ..."
                    + (refreshToken == null ? null : refreshToken.substring(Math.max(0, refreshToken.length() - 8)))
                    : status + " " + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
            return "tab " + tab + " attempt " + attempt + " at " + node + ": " + answer;
        }
    }

    private final int tabs;
    private final String tokenPath;
    private final String authorization;
    private final Routing routing;
    private final Random random;
    private final Predicate<String> familyRevoked;
    private final List<HttpClient> clients = new ArrayList<>();
    private final ExecutorService pool;
    private final AtomicReference<String> storage = new AtomicReference<>();
    private final List<String> chain = new ArrayList<>();
    private final Tally tally = new Tally();
    private String latestAccessToken;
    private boolean broken;
    private int round;

    /**
     * @param tokenPath     {@code /t/<tenant>/oauth/token}
     * @param familyRevoked asked after every round, with the family id: whether the store holds its revocation
     */
    public RefreshTabs(int tabs, String tokenPath, String clientId, String clientSecret, Routing routing, long seed,
                       Predicate<String> familyRevoked) {
        this.tabs = tabs;
        this.tokenPath = tokenPath;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret)
                .getBytes(StandardCharsets.UTF_8));
        this.routing = routing;
        this.random = new Random(seed);
        this.familyRevoked = familyRevoked;
        for (int i = 0; i < tabs; i++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build());
        }
        this.pool = Executors.newFixedThreadPool(tabs, Thread.ofPlatform().name("tab-", 0).daemon().factory());
    }

    /** A new login: its refresh token goes into the storage and starts a new chain. */
    public void newFamily(String refreshToken, String accessToken) {
        storage.set(refreshToken);
        chain.clear();
        chain.add(refreshToken);
        latestAccessToken = accessToken;
        broken = false;
        tally.families++;
    }

    public String stored() {
        return storage.get();
    }

    public String familyId() {
        String token = storage.get();
        return token == null ? null : token.substring(0, token.indexOf('.'));
    }

    /** The storage's successive tokens in this family, oldest first; the last is the current one. */
    public List<String> chain() {
        return List.copyOf(chain);
    }

    /** The access token of the last 200 the tabs got. */
    public String latestAccessToken() {
        return latestAccessToken;
    }

    /** True once a round of this family went wrong (it was revoked, or a tab was left without a working token). */
    public boolean broken() {
        return broken;
    }

    public Tally tally() {
        return tally;
    }

    /**
     * {@code rounds} rounds, planned by {@code plans} (asked right before each round, with its number from 1); a new
     * login every {@code roundsPerFamily} rounds and after a round that broke its family. Every family that was not
     * broken is ended by {@link Families#end}, numbered from 0, the last one after the last round.
     */
    public <F extends Family> void run(int rounds, int roundsPerFamily, IntFunction<Plan> plans, Families<F> families)
            throws InterruptedException {
        F family = null;
        int ended = 0;
        for (int i = 1; i <= rounds; i++) {
            if (family == null || broken || (i - 1) % roundsPerFamily == 0) {
                if (family != null && !broken) {
                    families.end(family, this, ended++);
                }
                family = families.login();
                newFamily(family.refreshToken(), family.accessToken());
            }
            round(plans.apply(i));
        }
        if (family != null && !broken) {
            families.end(family, this, ended);
        }
    }

    /** One round; see the class comment. */
    public void round(Plan plan) throws InterruptedException {
        round++;
        tally.rounds++;
        String family = familyId();
        String presented = storage.get();
        int dropTab = plan.dropOne() ? random.nextInt(tabs) : -1;
        List<CompletableFuture<Answer>> abandoned = Collections.synchronizedList(new ArrayList<>());
        List<List<Answer>> together = atOnce(presented, plan.whileInFlight(), tab -> {
            if (tab == dropTab) {
                CompletableFuture<Answer> first = sendAsync(tab, 0, presented);
                abandoned.add(first);
                if (plan.answerBeforeRetry()) {
                    first.join();
                }
            }
            return present(tab, tab == dropTab ? 1 : 0, presented);
        });
        List<Answer> all = new ArrayList<>();
        together.forEach(all::addAll);
        Answer abandonedAnswer = null;
        if (dropTab >= 0) {
            tally.dropped++;
            abandonedAnswer = await(abandoned.get(0));
            all.add(abandonedAnswer);
        }
        if (plan.afterTogether() != null) {
            plan.afterTogether().run();
        }
        Set<String> successors = successors(all);
        boolean oneSuccessor = successors.size() == 1 && !successors.contains(presented);
        boolean split = !oneSuccessor;
        if (split) {
            sample("round " + round + " (family " + family + "): the simultaneous step's 200s carried "
                    + successors.size() + " refresh tokens" + (successors.contains(presented) ? ", one the presented" : "")
                    + ": " + all);
        }
        if (dropTab >= 0) {
            Answer retried = last(together.get(dropTab));
            if (retried.status() != 200 || successors.size() != 1 || !successors.contains(retried.refreshToken())) {
                tally.droppedWithoutTheSameSuccessor++;
                sample("round " + round + ": tab " + dropTab + " dropped " + abandonedAnswer + "; its retry got "
                        + retried + "; the others' successors " + successors);
            }
        }
        count(together, abandonedAnswer);
        writeInShuffledOrder(together);

        if (plan.followUp() == FollowUp.AT_ONCE) {
            String current = storage.get();
            List<List<Answer>> followUp = atOnce(current, null, tab -> present(tab, 0, current));
            List<Answer> answers = new ArrayList<>();
            followUp.forEach(answers::addAll);
            Set<String> next = successors(answers);
            if (next.size() != 1 || next.contains(current)) {
                split = true;
                sample("round " + round + ": the follow-up at once carried " + next.size() + " refresh tokens: " + answers);
            }
            count(followUp, null);
            followUp(followUp);
            writeInShuffledOrder(followUp);
        } else {
            List<List<Answer>> followUp = new ArrayList<>();
            for (int tab = 0; tab < tabs; tab++) {
                List<Answer> answers = present(tab, 0, storage.get());
                followUp.add(answers);
                Answer last = last(answers);
                if (last.status() == 200) {
                    write(last);
                }
            }
            count(followUp, null);
            followUp(followUp);
        }
        if (split) {
            tally.roundsWithOtherThanOneSuccessor++;
        }
        if (familyRevoked.test(family)) {
            tally.roundsThatRevoked++;
            broken = true;
            sample("round " + round + ": family " + family + " is revoked in the store");
        }
    }

    private void followUp(List<List<Answer>> followUp) {
        for (List<Answer> answers : followUp) {
            tally.followUps++;
            Answer last = last(answers);
            if (last.status() != 200) {
                tally.tabsWithoutAWorkingToken++;
                broken = true;
                sample("round " + round + ": a tab refreshing from the storage ended with " + answers);
            }
        }
    }

    /** Counts the answers of one step: every tab's attempts, and an abandoned answer if any. */
    private void count(List<List<Answer>> perTab, Answer abandonedAnswer) {
        for (List<Answer> answers : perTab) {
            boolean ended = last(answers).status() == 200;
            if (!ended) {
                broken = true;
            }
            for (Answer a : answers) {
                tally.presentations++;
                if (a.status() == 503) {
                    tally.unavailable++;
                    if (!ended) {
                        tally.unavailableNotFollowedBySuccess++;
                    }
                } else if (a.lost()) {
                    tally.lost++;
                    if (!ended) {
                        tally.lostNotFollowedBySuccess++;
                    }
                } else if (a.status() != 200) {
                    tally.unexpected++;
                    sample("round " + round + ": " + a);
                }
            }
            if (answers.size() > 1 && ended) {
                tally.retriesThatSucceeded++;
            }
        }
        if (abandonedAnswer != null) {
            tally.presentations++;
            switch (abandonedAnswer.status()) {
                case 200 -> tally.abandonedGranted++;
                case 503 -> tally.unavailable++;
                case 0 -> tally.lost++;
                default -> {
                    tally.unexpected++;
                    sample("round " + round + ": abandoned " + abandonedAnswer);
                }
            }
        }
    }

    private void writeInShuffledOrder(List<List<Answer>> perTab) {
        List<Answer> granted = new ArrayList<>();
        for (List<Answer> answers : perTab) {
            Answer last = last(answers);
            if (last.status() == 200) {
                granted.add(last);
            }
        }
        Collections.shuffle(granted, random);
        granted.forEach(this::write);
    }

    private void write(Answer granted) {
        storage.set(granted.refreshToken());
        latestAccessToken = granted.accessToken();
        if (!granted.refreshToken().equals(chain.getLast())) {
            chain.add(granted.refreshToken());
        }
    }

    private static Set<String> successors(List<Answer> answers) {
        Set<String> tokens = new LinkedHashSet<>();
        for (Answer a : answers) {
            if (a.status() == 200) {
                tokens.add(a.refreshToken());
            }
        }
        return tokens;
    }

    private interface Tab {
        List<Answer> run(int tab) throws Exception;
    }

    /** Every tab on its own thread, released together; {@code whileInFlight} runs right after the release. */
    private List<List<Answer>> atOnce(String token, Runnable whileInFlight, Tab work) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(tabs);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Answer>>> futures = new ArrayList<>();
        for (int i = 0; i < tabs; i++) {
            int tab = i;
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return work.run(tab);
            }));
        }
        if (!ready.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the tabs' threads did not start");
        }
        go.countDown();
        if (whileInFlight != null) {
            whileInFlight.run();
        }
        List<List<Answer>> results = new ArrayList<>();
        for (Future<List<Answer>> f : futures) {
            try {
                results.add(f.get(ATTEMPTS * REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("a tab failed to present " + token, e);
            }
        }
        return results;
    }

    /** The same token until it is answered 200 (or refused), at most {@value #ATTEMPTS} times in all. */
    private List<Answer> present(int tab, int firstAttempt, String token) {
        List<Answer> answers = new ArrayList<>();
        for (int attempt = firstAttempt; attempt < ATTEMPTS; attempt++) {
            Answer a = await(sendAsync(tab, attempt, token));
            answers.add(a);
            if (!a.retryable()) {
                break;
            }
        }
        return answers;
    }

    private CompletableFuture<Answer> sendAsync(int tab, int attempt, String token) {
        String node = routing.baseUrl(tab, round, attempt);
        String form = "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(node + tokenPath))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", authorization)
                .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return clients.get(tab).sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        return new Answer(tab, attempt, node, 0, null, null, cause.toString());
                    }
                    String refresh = null;
                    String access = null;
                    if (response.statusCode() == 200) {
                        JsonNode json = TestHttp.parse(response.body());
                        refresh = json.has("refresh_token") ? json.get("refresh_token").asString() : null;
                        access = json.has("access_token") ? json.get("access_token").asString() : null;
                    }
                    return new Answer(tab, attempt, node, response.statusCode(), refresh, access, response.body());
                });
    }

    private static Answer await(CompletableFuture<Answer> answer) {
        try {
            return answer.get(REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no answer and no failure from the HTTP client", e);
        }
    }

    private static Answer last(List<Answer> answers) {
        return answers.getLast();
    }

    private void sample(String violation) {
        if (tally.samples.size() < SAMPLES) {
            tally.samples.add(violation);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        clients.forEach(HttpClient::close);
    }

    /** What the rounds showed, counted. Every field that names something wrong must be 0. */
    public static final class Tally {
        int families;
        int rounds;
        int presentations;
        int followUps;
        int dropped;
        int abandonedGranted;
        int retriesThatSucceeded;
        int unavailable;
        int lost;
        int roundsWithOtherThanOneSuccessor;
        int roundsThatRevoked;
        int tabsWithoutAWorkingToken;
        int unavailableNotFollowedBySuccess;
        int lostNotFollowedBySuccess;
        int droppedWithoutTheSameSuccessor;
        int unexpected;
        final List<String> samples = new ArrayList<>();

        public int families() {
            return families;
        }

        public int rounds() {
            return rounds;
        }

        /** Requests sent to the token endpoint by the tabs, retries and abandoned ones included. */
        public int presentations() {
            return presentations;
        }

        /** Tabs that refreshed from the storage after a simultaneous step (rounds x tabs). */
        public int followUps() {
            return followUps;
        }

        public int dropped() {
            return dropped;
        }

        /** Abandoned requests the server answered 200 (it rotated or replayed, and the tab never read it). */
        public int abandonedGranted() {
            return abandonedGranted;
        }

        /** Tabs that got 200 after a 503 or a lost answer. */
        public int retriesThatSucceeded() {
            return retriesThatSucceeded;
        }

        public int unavailable() {
            return unavailable;
        }

        public int lost() {
            return lost;
        }

        /** Rounds with a step at once whose 200 answers did not carry exactly one refresh token, a new one. */
        public int roundsWithOtherThanOneSuccessor() {
            return roundsWithOtherThanOneSuccessor;
        }

        public int roundsThatRevoked() {
            return roundsThatRevoked;
        }

        public int tabsWithoutAWorkingToken() {
            return tabsWithoutAWorkingToken;
        }

        /** 503s after which the same tab, presenting the same token again, never got 200. */
        public int unavailableNotFollowedBySuccess() {
            return unavailableNotFollowedBySuccess;
        }

        public int lostNotFollowedBySuccess() {
            return lostNotFollowedBySuccess;
        }

        /** Dropped answers whose tab, trying again, did not get the successor the other tabs got. */
        public int droppedWithoutTheSameSuccessor() {
            return droppedWithoutTheSameSuccessor;
        }

        /** Answers other than 200, 503 or a lost connection (a 400 or a 500). */
        public int unexpected() {
            return unexpected;
        }

        /**
         * Every invariant of the rounds that did not hold, each with its count out of how many, and the seed and the
         * first violations as context: empty when {@code rounds} rounds ran and all held. Both race suites assert
         * that this is empty.
         */
        public List<String> violations(int expectedRounds, long seed) {
            String context = "seed " + seed + "; " + this + "; first violations: " + samples;
            List<String> violations = new ArrayList<>();
            if (rounds != expectedRounds) {
                violations.add(rounds + " rounds ran, not " + expectedRounds);
            }
            violated(violations, roundsWithOtherThanOneSuccessor, rounds, "rounds had tabs presenting one token at once "
                    + "whose 200s did not carry exactly one new refresh token");
            violated(violations, roundsThatRevoked, rounds, "rounds revoked a family");
            violated(violations, tabsWithoutAWorkingToken, followUps, "tabs refreshing from the storage did not get 200");
            violated(violations, unexpected, presentations, "presentations were answered other than 200 or 503");
            violated(violations, unavailableNotFollowedBySuccess, unavailable,
                    "503s were not followed by a 200 for the same token");
            violated(violations, lostNotFollowedBySuccess, lost,
                    "lost answers were not followed by a 200 for the same token");
            violated(violations, droppedWithoutTheSameSuccessor, dropped,
                    "tabs that dropped an answer and presented the same token again did not get the others' successor");
            if (!violations.isEmpty()) {
                violations.add(context);
            }
            return violations;
        }

        private static void violated(List<String> violations, int count, int outOf, String what) {
            if (count != 0) {
                violations.add(count + " of " + outOf + " " + what);
            }
        }

        /** The first violations, described. */
        public List<String> samples() {
            return List.copyOf(samples);
        }

        @Override
        public String toString() {
            return families + " families, " + rounds + " rounds, " + presentations + " presentations, " + followUps
                    + " follow-ups; " + dropped + " dropped answers (" + abandonedGranted + " of them answered 200), "
                    + unavailable + " 503, " + lost + " lost, " + retriesThatSucceeded + " tabs got 200 on a retry; "
                    + "violations: " + roundsWithOtherThanOneSuccessor + " rounds with other than one successor, "
                    + roundsThatRevoked + " rounds that revoked, " + tabsWithoutAWorkingToken + " tabs without a working "
                    + "token, " + unavailableNotFollowedBySuccess + " 503 and " + lostNotFollowedBySuccess
                    + " lost answers not followed by a 200, " + droppedWithoutTheSameSuccessor + " dropped answers "
                    + "retried to another successor, " + unexpected + " unexpected answers";
        }
    }
}
