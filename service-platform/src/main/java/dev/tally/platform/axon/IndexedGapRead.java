package dev.tally.platform.axon;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.ReadEventDataWithGapsStatementBuilder;

/**
 * The read of a tracking processor's next batch while its token has gaps (indexes below its position whose
 * transactions had not committed when it passed them), written so that every store answers it from the primary key:
 * the batch after the position, and the gaps, as two selects joined by {@code UNION ALL}.
 *
 * <p>Axon's statement asks for both in one condition, {@code (i > ? AND i <= ?) OR i IN (...)}. PostgreSQL answers
 * that from the index (a bitmap OR); H2 2.4 does not: it walks the whole primary key and tests every row, decoding each
 * one, so on the embedded default every fetch that has a gap to wait for read the entire event store, a cost that grew
 * with the history. Gaps are ordinary under load (two writers, such as the rotation group commit and the issuance log,
 * take indexes in one order and commit in the other), and a refresh-rotation load spent most of its time there
 * (BENCHMARKS.md, "Refresh rotation", 2026-12-06). A gap is always below the token's index, so the two parts never
 * share a row.
 */
final class IndexedGapRead implements ReadEventDataWithGapsStatementBuilder {

    @Override
    public PreparedStatement build(Connection connection, EventSchema schema, long globalIndex, int batchSize,
                                   List<Long> gaps) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql(schema, gaps.size()));
        statement.setLong(1, globalIndex);
        statement.setLong(2, globalIndex + batchSize);
        for (int i = 0; i < gaps.size(); i++) {
            statement.setLong(3 + i, gaps.get(i));
        }
        return statement;
    }

    static String sql(EventSchema schema, int gaps) {
        String index = schema.globalIndexColumn();
        String select = "SELECT " + schema.trackedEventFields() + " FROM " + schema.domainEventTable();
        String batch = select + " WHERE " + index + " > ? AND " + index + " <= ?";
        String theGaps = gaps == 0 ? "" // Axon asks only with gaps; an empty IN list would not parse
                : " UNION ALL " + select + " WHERE " + index + " IN ("
                        + String.join(",", Collections.nCopies(gaps, "?")) + ")";
        return batch + theGaps + " ORDER BY " + index + " ASC";
    }
}
