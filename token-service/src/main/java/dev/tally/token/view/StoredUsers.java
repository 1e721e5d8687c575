package dev.tally.token.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where {@link Users} reads a user: the user aggregate's own stream in the event store (one indexed read by aggregate
 * id, from the storage engine: users have no snapshots, so the store's snapshot query first would be a wasted round
 * trip, and one whose failure Axon passes over), and, for a username, the command side's set-validation index
 * {@code user_catalog} (tenant, canonical username, user id), which the command side writes in the transaction that
 * appends the user's events, so it never names a user the store does not hold. The token service reads that one
 * table of the command side's, by SQL in the database the services share (both modes), and only these two columns: a
 * deliberate departure from "services talk only through commands, events and queries", recorded in
 * docs/architecture.md.
 */
public class StoredUsers implements Users.Source {
    private final JdbcTemplate jdbc;
    private final EventStorageEngine store;

    public StoredUsers(JdbcTemplate jdbc, EventStorageEngine store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    @Override
    public Optional<String> idByUsername(String tenantId, String canonicalUsername) {
        try {
            return jdbc.queryForList("SELECT user_id FROM user_catalog WHERE tenant_id = ? AND username_key = ?",
                    String.class, tenantId, canonicalUsername).stream().findFirst();
        } catch (RuntimeException e) {
            throw new StoreUnavailable("the username index could not be read", e);
        }
    }

    @Override
    public List<?> events(String userId) {
        try {
            List<Object> payloads = new ArrayList<>();
            DomainEventStream events = store.readEvents(userId);
            while (events.hasNext()) {
                payloads.add(events.next().getPayload());
            }
            return payloads;
        } catch (RuntimeException e) {
            throw new StoreUnavailable("a user could not be read from the event store", e);
        }
    }
}
