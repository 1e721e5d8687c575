package dev.tally.resourceserver.revocation;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Follows the tenant's revocation list ({@code GET /t/{tenant}/revocations?since=&limit=}) into a
 * {@link RevocationList}: one thread polls, {@code interval} after the previous poll ended, every page until
 * {@code has_more} is false, and keeps the last {@code next_cursor}, so each entry is read once. The first poll runs
 * when the application starts, before its web server takes requests.
 *
 * <p>A poll counts only when complete: {@link #lastComplete()} is when the last complete poll <em>began</em>, since
 * that is the instant the list is known current up to. A revocation committed in Tally is therefore refused here at
 * most {@code interval + timeout} after its commit while polls succeed (one wait, then one request), plus a page's
 * request for each further page in a burst of more than {@code page-size} entries.
 */
public final class RevocationPoller implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(RevocationPoller.class);

    private final URI listUri;
    private final ManagementToken managementToken;
    private final TallyHttp http;
    private final RevocationList list;
    private final Clock clock;
    private final Duration interval;
    private final int pageSize;
    private final AtomicLong failures = new AtomicLong();
    private final Instant created;
    private volatile Instant lastComplete;
    private volatile boolean failing;
    private String cursor;
    private ScheduledExecutorService executor;

    public RevocationPoller(String issuer, URI listUri, String clientId, String clientSecret, Duration interval,
                            Duration timeout, int pageSize, RevocationList list, Clock clock) {
        this.listUri = listUri;
        this.http = new TallyHttp(timeout);
        this.managementToken = new ManagementToken(issuer, clientId, clientSecret, http, clock);
        this.list = list;
        this.clock = clock;
        this.interval = interval;
        this.pageSize = pageSize;
        this.created = clock.instant();
    }

    /** When the last complete poll began, or {@code null} before the first. */
    public Instant lastComplete() {
        return lastComplete;
    }

    /** How old the list is: since the last complete poll began, or since this poller was made if none has completed. */
    public Duration staleness() {
        Instant since = lastComplete != null ? lastComplete : created;
        return Duration.between(since, clock.instant());
    }

    /** Polls that failed (Tally unreachable or refusing, a timeout, an answer that could not be read). */
    public long failures() {
        return failures.get();
    }

    /** Entries held now. */
    public int entries() {
        return list.size();
    }

    /** One poll, to the end of the list (the schedule runs it); a failure is counted and logged, never thrown. */
    public void pollOnce() {
        Instant began = clock.instant();
        try {
            readToEnd();
            lastComplete = began;
            list.prune(clock.instant());
            if (failing) {
                failing = false;
                log.info("Tally's revocation list is read again from {}", listUri);
            }
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            // once per streak at WARN, so an outage does not flood the log; the message never holds a token
            if (!failing) {
                failing = true;
                log.warn("Could not read Tally's revocation list from {}: {}", listUri, e.toString());
            } else {
                log.debug("Could not read Tally's revocation list from {}: {}", listUri, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readToEnd() throws IOException, InterruptedException {
        boolean more = true;
        while (more) {
            Map<String, Object> page = page();
            if (!(page.get("revocations") instanceof List<?> entries)) {
                throw new IOException("the revocation list's answer has no \"revocations\"");
            }
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = (Map<String, Object>) map;
                    list.apply(fields);
                }
            }
            if (page.get("next_cursor") instanceof String next) {
                cursor = next;
            }
            more = Boolean.TRUE.equals(page.get("has_more")) && !entries.isEmpty();
        }
    }

    private Map<String, Object> page() throws IOException, InterruptedException {
        String query = "limit=" + pageSize + (cursor == null ? "" : "&since=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        URI uri = URI.create(listUri + (listUri.getRawQuery() == null ? "?" : "&") + query);
        TallyHttp.Answer answer = http.send(http.get(uri).header("Authorization", "Bearer " + managementToken.current()));
        if (answer.status() == 401) {
            // expired, or the key that signed it was retired: one more try with a new token
            managementToken.forget();
            answer = http.send(http.get(uri).header("Authorization", "Bearer " + managementToken.current()));
        }
        if (answer.status() == 403) {
            throw new IOException("the revocation list answered 403: the client needs management_scopes "
                    + "[\"revocations:read\"] in this tenant");
        }
        if (answer.status() != 200) {
            throw new IOException("the revocation list answered " + answer.status());
        }
        return answer.json();
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tally-revocations")
                .factory());
        // the first poll before the web server opens (it starts in a later phase), so requests meet a current list
        // when Tally is up; when it is not, start-up goes on and the tokens meet tally.revocations.when-stale
        try {
            executor.submit(this::pollOnce).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        long every = interval.toNanos();
        executor.scheduleWithFixedDelay(this::pollOnce, every, every, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        // before the web server starts (Boot's start-stop phase is DEFAULT_PHASE - 2048; lower phases start first)
        return DEFAULT_PHASE - 4096;
    }
}
