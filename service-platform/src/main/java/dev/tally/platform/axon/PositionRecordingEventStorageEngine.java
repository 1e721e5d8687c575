package dev.tally.platform.axon;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;

/**
 * Axon's JDBC storage engine, telling {@link EventPositions} the global index of every event it reads for a tracking
 * processor: the row has it, the tracking token that Axon builds from it does not (see {@link EventPositions}).
 */
final class PositionRecordingEventStorageEngine extends JdbcEventStorageEngine {
    private final EventPositions positions;

    PositionRecordingEventStorageEngine(Builder builder, EventPositions positions) {
        super(builder);
        this.positions = positions;
    }

    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet resultSet, GapAwareTrackingToken previousToken)
            throws SQLException {
        TrackedEventData<?> data = super.getTrackedEventData(resultSet, previousToken);
        positions.remember(data.getEventIdentifier(), resultSet.getLong(schema().globalIndexColumn()));
        return data;
    }
}
