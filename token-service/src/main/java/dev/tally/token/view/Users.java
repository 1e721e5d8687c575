package dev.tally.token.view;

import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserEvent;
import dev.tally.kernel.user.UserEvents.UserPasswordChanged;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.kernel.user.UserEvents.UserUpdated;
import dev.tally.kernel.user.UserIds;
import dev.tally.token.view.TokenConfigState.UserView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.axonframework.eventhandling.DomainEventMessage;

/**
 * The tenants' users as login and token issuance need them (the password only as its Argon2id hash), by tenant, then
 * by id or by username (unique in a tenant without regard to case).
 *
 * <p>Not a view of every user (architecture decision 12: a token node's memory follows live state, and a million
 * users cost about 550 MB of heap in every node when each was held): a user is read on demand from the event store,
 * their own aggregate's stream ({@link Source#events}), folded here, and kept in a cache bounded by count
 * ({@code tally.token.users.cache-size}). A username is resolved to its user id by the command side's set-validation
 * index ({@link Source#idByUsername}), written in the transaction that appends the user's events, and the user found
 * must still carry that name.
 *
 * <p>Every user event that reaches the node (after its commit in standalone, from the event stream in distributed
 * mode) evicts the user ({@link #apply}), so the management API's 2xx is followed by reads of the new state, and a
 * read that raced with the eviction cannot keep what it read before the change ({@link OnDemandCache}). In
 * distributed mode without the event stream nothing evicts,
 * and {@code tally.token.users.cache-ttl} bounds how long a change can go unseen.
 */
public class Users {
    /** Where users are read from. */
    public interface Source {
        /** The id of the tenant's user with this canonical username, if there is one. */
        Optional<String> idByUsername(String tenantId, String canonicalUsername);

        /** The payloads of the user aggregate's events, in order; empty if there is no such aggregate. */
        List<?> events(String userId);
    }

    private final Source source;
    private final OnDemandCache<UserView> byId;

    public Users(Source source, long cacheSize, Duration cacheTtl) {
        this.source = source;
        this.byId = new OnDemandCache<>(cacheSize, cacheTtl);
    }

    /** Whether this view cares about an event of this payload type (checked before deserializing it). */
    public static boolean handles(Class<?> payloadType) {
        return UserEvent.class.isAssignableFrom(payloadType);
    }

    public Optional<UserView> user(String tenantId, String userId) {
        if (tenantId == null || userId == null) {
            return Optional.empty();
        }
        return byId.get(userId, this::read).filter(u -> u.tenantId().equals(tenantId));
    }

    public Optional<UserView> byUsername(String tenantId, String username) {
        if (tenantId == null || username == null) {
            return Optional.empty();
        }
        String canonical = UserIds.canonical(username);
        Optional<String> id = source.idByUsername(tenantId, canonical);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<UserView> user = user(tenantId, id.get());
        if (user.isPresent() && UserIds.canonical(user.get().username()).equals(canonical)) {
            return user;
        }
        // renamed since it was cached, and the eviction has not arrived yet (distributed mode): the store decides
        return byId.read(id.get(), this::read).filter(u -> u.tenantId().equals(tenantId)
                && UserIds.canonical(u.username()).equals(canonical));
    }

    /** A user event reached this node: the user is read from the store again when next needed. */
    public void apply(DomainEventMessage<?> message) {
        if (handles(message.getPayloadType())) {
            byId.evict(message.getAggregateIdentifier());
        }
    }

    /** Users held now (for tests and metrics). */
    public long cached() {
        return byId.size();
    }

    /** Reads of a user's stream from the store so far (for tests and metrics). */
    public long storeReads() {
        return byId.storeReads();
    }

    private UserView read(String userId) {
        return fold(source.events(userId));
    }

    /** A user's state after these events of theirs; null if none registered them or they were deleted. */
    public static UserView fold(List<?> events) {
        UserView u = null;
        for (Object event : events) {
            u = next(u, event);
        }
        return u;
    }

    private static UserView next(UserView u, Object event) {
        if (event instanceof UserRegistered e) {
            return new UserView(e.userId(), e.tenantId(), e.username(), e.passwordHash(), e.userMetadata(), e.roles(),
                    e.permissions(), e.createdAt());
        }
        if (event instanceof UserDeleted || u == null) {
            return null;
        }
        return switch (event) {
            case UserUpdated e -> new UserView(u.userId(), u.tenantId(), e.username(), u.passwordHash(),
                    e.userMetadata(), u.roles(), u.permissions(), u.createdAt());
            case UserPermissionsChanged e -> new UserView(u.userId(), u.tenantId(), u.username(), u.passwordHash(),
                    u.userMetadata(), e.roles(), e.permissions(), u.createdAt());
            case UserPasswordChanged e -> new UserView(u.userId(), u.tenantId(), u.username(), e.passwordHash(),
                    u.userMetadata(), u.roles(), u.permissions(), u.createdAt());
            default -> u;
        };
    }
}
