package dev.tally.platform.axon;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;

/**
 * Axon's JDBC storage engine, telling {@link EventPositions} the global index of every event it reads for a tracking
 * processor: the row has it, the tracking token that Axon builds from it does not (see {@link EventPositions}). Each
 * batch is read from the processor's token without the gaps an earlier process of an embedded store left
 * ({@link StoreGaps#withoutEarlierProcessesGaps}), and an event's token is built without those the read skipped on its
 * way to the event ({@link StoreGaps#pastEarlierProcessesIndexes}), so the tokens no longer carry them.
 */
final class PositionRecordingEventStorageEngine extends JdbcEventStorageEngine {
    private final EventPositions positions;
    private final StoreGaps gaps;

    PositionRecordingEventStorageEngine(Builder builder, EventPositions positions, StoreGaps gaps) {
        super(builder);
        this.positions = positions;
        this.gaps = gaps;
    }

    @Override
    protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
        return super.fetchTrackedEvents(gaps.withoutEarlierProcessesGaps(lastToken), batchSize);
    }

    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet resultSet, GapAwareTrackingToken previousToken)
            throws SQLException {
        long index = resultSet.getLong(schema().globalIndexColumn());
        TrackedEventData<?> data = super.getTrackedEventData(resultSet,
                gaps.pastEarlierProcessesIndexes(previousToken, index));
        positions.remember(data.getEventIdentifier(), index);
        return data;
    }
}
