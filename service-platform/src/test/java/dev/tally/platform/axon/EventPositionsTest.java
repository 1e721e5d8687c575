package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class EventPositionsTest {
    private final DataSource store = StoreGapsTest.Contract.migratedH2("positions");
    private final EventPositions positions = new EventPositions(store);

    @Test
    void aRememberedEventIsAnsweredFromMemoryAndAForgottenOneFromTheStore() throws Exception {
        String id;
        long stored;
        try (Connection c = store.getConnection()) {
            stored = StoreGapsTest.Contract.append(c);
            id = idAt(c, stored);
        }
        // remembered under another index than the store's, so the answer shows where it came from
        positions.remember(id, stored + 1_000);
        assertThat(positions.of(List.of(id))).containsEntry(id, stored + 1_000);

        for (int i = 0; i < EventPositions.REMEMBERED; i++) {
            positions.remember("later-" + i, i);
        }

        assertThat(positions.of(List.of(id))).as("forgotten: read from the store").containsEntry(id, stored);
    }

    @Test
    void remembersTheLastEventsReadAndNoMore() {
        int read = 3 * EventPositions.REMEMBERED;
        for (int i = 0; i < read; i++) {
            positions.remember("event-" + i, i);
        }

        List<String> last = IntStream.range(read - EventPositions.REMEMBERED, read)
                .mapToObj(i -> "event-" + i).toList();
        Map<String, Long> answered = positions.of(last);
        assertThat(answered).hasSize(EventPositions.REMEMBERED);
        assertThat(answered.get("event-" + (read - 1))).isEqualTo(read - 1L);
        String older = "event-" + (read - EventPositions.REMEMBERED - 1);
        assertThatThrownBy(() -> positions.of(List.of(older)))
                .as("read before the last %d, and not in the store", EventPositions.REMEMBERED)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(older);
    }

    private static String idAt(Connection c, long index) throws Exception {
        try (var select = c.prepareStatement("SELECT event_identifier FROM domain_event_entry WHERE global_index = ?")) {
            select.setLong(1, index);
            try (var rs = select.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
