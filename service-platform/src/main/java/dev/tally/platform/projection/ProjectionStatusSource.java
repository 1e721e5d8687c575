package dev.tally.platform.projection;

import java.util.List;

/**
 * A module's projections and where they stand. Every bean of this type in a service is listed by
 * {@code /admin/projections}, its health indicator and its metrics, so the query side's persisted views and the token
 * service's in-memory ones are reported the same way, in standalone in one list.
 */
public interface ProjectionStatusSource {
    /** The names of the projections, in the order they are listed. */
    List<String> projectionNames();

    /** The status of one of {@link #projectionNames()}. */
    ProjectionStatus projectionStatus(String name);
}
