package dev.tally.platform.durability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.engine.Database;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The part of H2's background writer that WRITE_DELAY 0 switches off with it: rewriting the few live pages of chunks
 * that are mostly garbage, so that those chunks die and H2 reuses their space once its retention time (45 s) has
 * passed. Every durable commit writes a chunk of its own (measured: about 30 KB per issued token), and without this the
 * file grew by all of them for as long as the server ran (7.9 GB after 2.5 minutes of client-credentials load, whose
 * live data compacted to 50 MB). With it the file grows to about what 45 seconds of load write, and then reuses space.
 */
public final class H2Housekeeping implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);
    static final Duration INTERVAL = Duration.ofMillis(200);
    /** Chunks are rewritten while, all together, less than this share of their bytes is live. */
    static final int TARGET_FILL_RATE = 50;
    /** At most this many bytes of live pages are rewritten per run (H2's own writer takes about 5 MB). */
    static final int WRITE_LIMIT = 4 * 1024 * 1024;

    private final List<DurableH2DataSource> dataSources;
    private ScheduledExecutorService executor;
    private volatile boolean warned;

    public H2Housekeeping(List<DurableH2DataSource> dataSources) {
        this.dataSources = List.copyOf(dataSources);
    }

    /** One round over every durable data source's database; answers whether any chunk was rewritten. */
    boolean runOnce() {
        boolean rewritten = false;
        for (DurableH2DataSource dataSource : dataSources) {
            Database database = dataSource.preparedDatabase();
            if (database == null || database.isClosing()) {
                continue;
            }
            try {
                MVStore store = database.getStore().getMvStore();
                if (!store.isClosed() && store.compact(TARGET_FILL_RATE, WRITE_LIMIT)) {
                    // the rewritten pages are on disk before the chunks they left can ever be reused (after the
                    // retention time): H2 otherwise assumes the system flushes its buffers within that time
                    store.sync();
                    rewritten = true;
                }
            } catch (RuntimeException e) {
                // the database may be closing under us; the next round sees the one opened next
                if (!warned) {
                    warned = true;
                    LOG.warn("H2 housekeeping failed (logged once; it keeps running): {}", e.toString());
                }
            }
        }
        return rewritten;
    }

    @Override
    public synchronized void start() {
        if (executor == null && !dataSources.isEmpty()) {
            executor = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("tally-h2-housekeeping").daemon().factory());
            executor.scheduleWithFixedDelay(this::runOnce, INTERVAL.toMillis(), INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
