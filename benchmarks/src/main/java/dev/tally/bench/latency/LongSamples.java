package dev.tally.bench.latency;

import java.util.Arrays;
import java.util.List;

/** A growable long array owned by one thread: no locks, no boxing; merged after the threads have been joined. */
public final class LongSamples {
    private long[] values;
    private int size;

    public LongSamples(int initialCapacity) {
        values = new long[Math.max(16, initialCapacity)];
    }

    public void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 16L, values.length * 2L));
        }
        values[size++] = value;
    }

    public int size() {
        return size;
    }

    /** All samples of all parts in one ascending array. */
    public static long[] mergeSorted(List<LongSamples> parts) {
        long total = 0;
        for (LongSamples p : parts) {
            total += p.size;
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("too many samples: " + total);
        }
        long[] all = new long[(int) total];
        int at = 0;
        for (LongSamples p : parts) {
            System.arraycopy(p.values, 0, all, at, p.size);
            at += p.size;
        }
        Arrays.sort(all);
        return all;
    }
}
