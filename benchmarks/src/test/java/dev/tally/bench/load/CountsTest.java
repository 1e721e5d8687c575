package dev.tally.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountsTest {

    @Test
    void theWorkersCountsAddUpStatusByStatus() {
        long[] first = Counts.none().statusCounts();
        first[500] = 2;
        long[] second = Counts.none().statusCounts();
        second[500] = 1;
        second[429] = 4;
        Counts sum = new Counts(10, 2, 1, 3, 0, 1, 0, 1, 0, first)
                .plus(new Counts(20, 5, 0, 4, 1, 2, 1, 1, 1, second));
        assertEquals(new Counts(30, 7, 1, 7, 1, 3, 1, 2, 1, sum.statusCounts()), sum);
        assertEquals(3, sum.statusCounts()[500]);
        assertEquals(4, sum.statusCounts()[429]);
        assertEquals(0, first[429], "the parts are left as they were");
        assertEquals(8, sum.errors(), "non-200 answers and exceptions");
        assertEquals(38, sum.total(), "measured requests: successes and errors, not the warm-up");
    }
}
