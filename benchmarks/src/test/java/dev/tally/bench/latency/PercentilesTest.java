package dev.tally.bench.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOnTheClassicFiveSampleExample() {
        long[] sorted = {15, 20, 35, 40, 50};
        assertEquals(15, Percentiles.nearestRank(sorted, 5));   // ceil(0.25) = 1
        assertEquals(20, Percentiles.nearestRank(sorted, 30));  // ceil(1.5)  = 2
        assertEquals(20, Percentiles.nearestRank(sorted, 40));  // 2.0 exactly -> 2
        assertEquals(35, Percentiles.nearestRank(sorted, 50));  // ceil(2.5)  = 3
        assertEquals(50, Percentiles.nearestRank(sorted, 100));
        assertEquals(15, Percentiles.nearestRank(sorted, 0));   // rank clamped to 1
    }

    @Test
    void nearestRankOnOneToHundredAndOneToThousand() {
        long[] hundred = LongStream.rangeClosed(1, 100).toArray();
        assertEquals(50, Percentiles.nearestRank(hundred, 50));
        assertEquals(90, Percentiles.nearestRank(hundred, 90));
        assertEquals(99, Percentiles.nearestRank(hundred, 99));
        assertEquals(100, Percentiles.nearestRank(hundred, 99.9)); // ceil(99.9) = 100

        long[] thousand = LongStream.rangeClosed(1, 1000).toArray();
        assertEquals(500, Percentiles.nearestRank(thousand, 50));
        assertEquals(900, Percentiles.nearestRank(thousand, 90));
        assertEquals(990, Percentiles.nearestRank(thousand, 99));
        assertEquals(999, Percentiles.nearestRank(thousand, 99.9)); // exactly 999.0, no float drift to 1000
        assertEquals(1000, Percentiles.nearestRank(thousand, 99.95));
    }

    @Test
    void exactRanksDoNotDriftWithBinaryFloatingPoint() {
        // 0.29 * 100 and 0.57 * 100 are not exact in binary doubles; the decimal math keeps the rank exact.
        long[] hundred = LongStream.rangeClosed(1, 100).toArray();
        assertEquals(29, Percentiles.nearestRank(hundred, 29));
        assertEquals(57, Percentiles.nearestRank(hundred, 57));
        long[] ten = LongStream.rangeClosed(1, 10).map(v -> v * 10).toArray();
        assertEquals(90, Percentiles.nearestRank(ten, 90));
        assertEquals(100, Percentiles.nearestRank(ten, 90.1));
        assertEquals(30, Percentiles.nearestRank(ten, 30));
    }

    @Test
    void singleSampleAndDuplicates() {
        assertEquals(7, Percentiles.nearestRank(new long[] {7}, 0));
        assertEquals(7, Percentiles.nearestRank(new long[] {7}, 50));
        assertEquals(7, Percentiles.nearestRank(new long[] {7}, 99.9));
        long[] dup = {1, 1, 1, 5, 5, 9};
        assertEquals(1, Percentiles.nearestRank(dup, 50)); // ceil(3.0) = 3
        assertEquals(5, Percentiles.nearestRank(dup, 51)); // ceil(3.06) = 4
        assertEquals(9, Percentiles.nearestRank(dup, 99));
    }

    @Test
    void rejectsEmptyInputAndBadPercentiles() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[] {1}, -1));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[] {1}, 100.5));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[] {1}, Double.NaN));
    }

    @Test
    void summaryOfOneToThousand() {
        Percentiles.Summary s = Percentiles.summarize(LongStream.rangeClosed(1, 1000).toArray());
        assertEquals(1000, s.count());
        assertEquals(1, s.min());
        assertEquals(500, s.p50());
        assertEquals(900, s.p90());
        assertEquals(990, s.p99());
        assertEquals(999, s.p999());
        assertEquals(1000, s.max());
        assertEquals(500.5, s.mean(), 1e-9);
    }

    @Test
    void perThreadSamplesMergeIntoOneSortedArray() {
        LongSamples a = new LongSamples(1); // forces growth past the initial 16
        LongSamples b = new LongSamples(100);
        for (int i = 40; i >= 1; i--) {
            (i % 2 == 0 ? a : b).add(i);
        }
        assertEquals(20, a.size());
        assertArrayEquals(LongStream.rangeClosed(1, 40).toArray(), LongSamples.mergeSorted(List.of(a, b)));
        assertArrayEquals(new long[0], LongSamples.mergeSorted(List.of(new LongSamples(4))));
    }
}
