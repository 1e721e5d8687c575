package dev.tally.token.view;

import dev.tally.stream.StreamedEvent;

/**
 * Told of each event {@link StreamFeed} applied to this node's views from the event stream, once per event, on the
 * consumer's thread, after the views have it; a bean of this type is found and called in its {@code @Order}. For
 * whatever must follow the views (an index of its own, an audit of what this node saw); it must be quick and must not
 * throw.
 */
@FunctionalInterface
public interface AppliedFromStream {
    void applied(StreamedEvent event);
}
