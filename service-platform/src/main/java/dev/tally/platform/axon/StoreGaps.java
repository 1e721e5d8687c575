package dev.tally.platform.axon;

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
 */
public class StoreGaps {
    private static final int MARKS_KEPT = 10_000;
    private static final int DEAD_KEPT = 100_000;

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
    private volatile OpenTransactions transactions;
    private final Map<Long, Long> marks = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Long> dead = new ConcurrentSkipListSet<>();

    public StoreGaps(DataSource dataSource) {
        this(dataSource, null);
    }

    StoreGaps(DataSource dataSource, OpenTransactions transactions) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.dataSource = dataSource;
        this.transactions = transactions;
    }

    /** What decides, for this database ({@link OpenTransactions}). */
    public String method() {
        return transactions().toString();
    }

    private OpenTransactions transactions() {
        OpenTransactions t = transactions;
        if (t == null) {
            t = OpenTransactions.of(dataSource);
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
        Long mark = null;
        Long oldestOpen = null;
        for (Long gap : gaps) {
            if (dead.contains(gap)) {
                continue;
            }
            Long marked = marks.get(gap);
            if (marked == null) {
                if (mark == null) {
                    mark = transactions().mark();
                }
                marks.put(gap, mark);
                open.add(gap);
                continue;
            }
            if (oldestOpen == null) {
                oldestOpen = transactions().oldestOpen();
            }
            if (oldestOpen > marked) {
                settled.add(gap);
            } else {
                open.add(gap);
            }
        }
        if (!settled.isEmpty()) {
            // asked only now that every transaction which could hold them has ended: present means committed
            Set<Long> stored = stored(settled);
            for (Long gap : settled) {
                if (stored.contains(gap)) {
                    open.add(gap);
                } else {
                    dead.add(gap);
                    marks.remove(gap);
                }
            }
        }
        forgetOldest();
        return open;
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
