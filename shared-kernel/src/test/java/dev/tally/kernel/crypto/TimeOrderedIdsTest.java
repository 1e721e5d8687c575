package dev.tally.kernel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void idIsAVersion7UuidCarryingItsMillisecondInTheFirst48Bits() {
        long millis = 1_796_000_000_123L;

        UUID id = TimeOrderedIds.at(millis);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2); // RFC 9562's variant, 0b10
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsStrings() {
        List<String> ids = new ArrayList<>();
        for (long millis = 1_700_000_000_000L; millis < 1_700_000_000_000L + 5_000; millis += 7) {
            ids.add(TimeOrderedIds.at(millis).toString());
        }

        assertThat(ids).isSorted();
    }

    @Test
    void idsOfOneMillisecondAreDistinctAndDifferInTheirRandomBits() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TimeOrderedIds.at(1_700_000_000_000L).toString());
        }

        assertThat(ids).hasSize(100_000);
        assertThat(ids).allSatisfy(id -> assertThat(id).startsWith("018bcfe5-6800-7"));
    }

    @Test
    void nextIsStampedWithNow() {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(TimeOrderedIds.next());
        long after = System.currentTimeMillis();

        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }
}
