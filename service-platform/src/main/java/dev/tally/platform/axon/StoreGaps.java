package dev.tally.platform.axon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import javax.sql.DataSource;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which gaps in the store's global indexes can still be filled. A tracking processor that has read index 12 but not
 * 10 keeps 10 as a gap: either a transaction that took 10 has not committed yet (it will be read late), or that
 * transaction rolled back and 10 will never exist. A view can promise "complete up to here" only below its oldest gap
 * that can still be filled; a dead gap must not hold that promise back.
 *
 * <p>A gap is dead when no transaction that might hold it is still open and the store does not have it. The first
 * time a gap is asked about, it is marked with {@link OpenTransactions#mark()}: every transaction that holds it began
 * before that moment (it took the index before the processor saw the next one). Once every transaction that was open
 * at the mark has ended, the gap is either in the store (committed, to be read by the processor) or dead, for good:
 * indexes are never handed out twice. The check is exact, not a timeout: a transaction that stays open for minutes
 * keeps its gap open for minutes, and one that rolled back frees its gap as soon as nothing older is open.
 *
 * <p>An embedded store is open in one process only, so the indexes taken before this process opened it (a crash's
 * lost reservation, a transaction the crash cut short) are settled from the start: such a gap is dead as soon as the
 * store is found without it, whatever transactions of this process are open ({@link OpenTransactions#settledBelow()}).
 * Before, a crash's gaps waited like any other for every transaction open when they were first seen, and in the
 * crash test a complete view was reported "catching up" at a crash's gap for 25 s.
 *
 * <p>A gap held open for more than {@link #HELD_LONG} is logged once a minute at most, with the transaction that
 * holds it back: a view that cannot say it is complete should say why.
 */
public class StoreGaps {
    private static final Logger LOG = LoggerFactory.getLogger(StoreGaps.class);
    private static final int MARKS_KEPT = 10_000;
    private static final int DEAD_KEPT = 100_000;
    static final Duration HELD_LONG = Duration.ofSeconds(30);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
    private final Clock clock;
    private volatile OpenTransactions transactions;
    private final Map<Long, Mark> marks = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Long> dead = new ConcurrentSkipListSet<>();
    private volatile Instant warned = Instant.MIN;

    /** When a gap was first seen: the database's mark, and the time. */
    private record Mark(long value, Instant at) {
    }

    /**
     * Made while the services start, before they take an index: an embedded store then tells which indexes are
     * settled. If the database cannot be reached now, it is asked at first use, without that knowledge.
     */
    public StoreGaps(DataSource dataSource, Clock clock) {
        this(dataSource, clock, atStart(dataSource));
    }

    StoreGaps(DataSource dataSource, Clock clock, OpenTransactions transactions) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.dataSource = dataSource;
        this.clock = clock;
        this.transactions = transactions;
    }

    private static OpenTransactions atStart(DataSource dataSource) {
        try {
            OpenTransactions transactions = OpenTransactions.of(dataSource, true);
            if (transactions.settledBelow() > 0) {
                LOG.info("the event store's indexes below {} were taken before this process opened it: a gap among "
                        + "them is dead once the store lacks it", transactions.settledBelow());
            }
            return transactions;
        } catch (RuntimeException e) {
            LOG.debug("the event store's database is not reachable yet; its gaps are judged from first use", e);
            return null;
        }
    }

    /** What decides, for this database ({@link OpenTransactions}). */
    public String method() {
        return transactions().toString();
    }

    private OpenTransactions transactions() {
        OpenTransactions t = transactions;
        if (t == null) {
            t = OpenTransactions.of(dataSource, false);
            transactions = t;
        }
        return t;
    }

    /**
     * The gaps among {@code gaps} that may still be filled (a transaction that may hold one is open, or the store has
     * it and the processor has not read it yet); the others are dead.
     */
    public SortedSet<Long> open(SortedSet<Long> gaps) {
        if (gaps.isEmpty()) {
            return Collections.emptySortedSet();
        }
        SortedSet<Long> open = new TreeSet<>();
        List<Long> settled = new ArrayList<>();
        long settledBelow = transactions().settledBelow();
        Mark mark = null;
        Long oldestOpen = null;
        Mark heldLongest = null;
        long heldGap = 0;
        for (Long gap : gaps) {
            if (dead.contains(gap)) {
                continue;
            }
            if (gap < settledBelow) {
                settled.add(gap);
                continue;
            }
            Mark marked = marks.get(gap);
            if (marked == null) {
                if (mark == null) {
                    mark = new Mark(transactions().mark(), clock.instant());
                }
                marks.put(gap, mark);
                open.add(gap);
                continue;
            }
            if (oldestOpen == null) {
                oldestOpen = transactions().oldestOpen();
            }
            if (oldestOpen > marked.value()) {
                settled.add(gap);
            } else {
                open.add(gap);
                if (heldLongest == null || marked.at().isBefore(heldLongest.at())) {
                    heldLongest = marked;
                    heldGap = gap;
                }
            }
        }
        if (heldLongest != null) {
            warnIfHeldLong(heldGap, heldLongest);
        }
        // asked only now that every transaction which could hold them has ended: present means committed
        open.addAll(settle(settled));
        forgetOldest();
        return open;
    }

    /**
     * Of {@code settled} (gaps no open transaction can still fill), the ones the store has; the others are remembered
     * as dead (within the memories' bounds). Nothing to settle asks nothing and forgets nothing: counting the dead
     * gaps walks them.
     */
    private Set<Long> settle(List<Long> settled) {
        if (settled.isEmpty()) {
            return Set.of();
        }
        Set<Long> stored = stored(settled);
        for (Long gap : settled) {
            if (!stored.contains(gap)) {
                dead.add(gap);
                marks.remove(gap);
            }
        }
        forgetOldest();
        return stored;
    }

    private void warnIfHeldLong(long gap, Mark mark) {
        Instant now = clock.instant();
        Duration held = Duration.between(mark.at(), now);
        if (held.compareTo(HELD_LONG) > 0 && now.isAfter(warned.plus(WARN_EVERY))) {
            warned = now;
            LOG.warn("gap {} of the event store has been open for {} s: a transaction open since before it was first "
                    + "seen has not ended, so the views that passed it cannot report themselves complete beyond it; "
                    + "the oldest open: {}", gap, held.toSeconds(), transactions().describeOldest());
        }
    }

    /**
     * {@code token} without the gaps an earlier process of an embedded store left (below
     * {@link OpenTransactions#settledBelow()} and not in the store, so never to be filled), for the event store to read
     * its next batch from: the tokens the processors then store no longer carry them. Otherwise the same token. Such
     * gaps are exactly dead (see the class), where Axon gives gaps up only by its timeout and only while a token holds
     * more than 250; until then a crash's up to 256 gaps were asked for with every batch read (about 95 µs against
     * 3–5 µs on a store of 200,000 events) and written with every token.
     */
    public TrackingToken withoutEarlierProcessesGaps(TrackingToken token) {
        OpenTransactions known = transactions;
        if (known == null || !(token instanceof GapAwareTrackingToken gapAware) || gapAware.getGaps().isEmpty()
                || gapAware.getGaps().first() >= known.settledBelow()) {
            return token;
        }
        SortedSet<Long> earlier = gapAware.getGaps().headSet(known.settledBelow());
        List<Long> unknown = new ArrayList<>();
        for (Long gap : earlier) {
            if (!dead.contains(gap)) {
                unknown.add(gap);
            }
        }
        settle(unknown);
        SortedSet<Long> kept = new TreeSet<>(gapAware.getGaps());
        kept.removeIf(gap -> gap < known.settledBelow() && dead.contains(gap));
        return kept.size() == gapAware.getGaps().size() ? token
                : GapAwareTrackingToken.newInstance(gapAware.getIndex(), kept);
    }

    /**
     * {@code previous} moved past the indexes an earlier process of an embedded store left between it and {@code next},
     * the index of the event read after it: a batch is read in index order over a range, so an index it skipped is not
     * in the store, and one taken before this process opened the store never will be. They then never become gaps of
     * the token built for {@code next}. Otherwise (nothing skipped, or only this process's indexes) {@code previous}.
     */
    public GapAwareTrackingToken pastEarlierProcessesIndexes(GapAwareTrackingToken previous, long next) {
        OpenTransactions known = transactions;
        if (known == null || previous == null) {
            return previous;
        }
        long firstSkipped = previous.getIndex() + 1;
        long settledBelow = known.settledBelow();
        if (next <= firstSkipped || firstSkipped >= settledBelow) {
            return previous;
        }
        return GapAwareTrackingToken.newInstance(Math.min(next, settledBelow) - 1, previous.getGaps());
    }

    /** For tests: the next gap held long is logged at once. */
    void forgetWarning() {
        warned = Instant.MIN;
    }

    private Set<Long> stored(List<Long> indexes) {
        Set<Long> stored = new HashSet<>();
        String marksSql = String.join(",", Collections.nCopies(indexes.size(), "?"));
        jdbc.query("SELECT global_index FROM domain_event_entry WHERE global_index IN (" + marksSql + ")",
                rs -> {
                    stored.add(rs.getLong(1));
                }, indexes.toArray());
        return stored;
    }

    /** Both memories are bounded; forgetting costs only a new mark (a gap then waits one more round). */
    private void forgetOldest() {
        if (marks.size() > MARKS_KEPT) {
            List<Long> marked = new ArrayList<>(marks.keySet());
            Collections.sort(marked);
            marked.subList(0, marked.size() / 2).forEach(marks::remove);
        }
        while (dead.size() > DEAD_KEPT) {
            dead.pollFirst();
        }
    }
}
