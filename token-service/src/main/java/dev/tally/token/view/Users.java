package dev.tally.token.view;

import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserEvent;
import dev.tally.kernel.user.UserEvents.UserPasswordChanged;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.kernel.user.UserEvents.UserUpdated;
import dev.tally.kernel.user.UserIds;
import dev.tally.token.view.TokenConfigState.UserView;
import java.util.Optional;

/**
 * The tenants' users as login and token issuance need them (the password only as its Argon2id hash), by tenant,
 * then by id or by username (unique in a tenant without regard to case). Fed like the configuration.
 */
public class Users extends SequencedView {
    private final TenantKeyed<UserView> byId = new TenantKeyed<>();
    private final TenantKeyed<String> idByName = new TenantKeyed<>();

    /** Whether this view cares about an event of this payload type (checked before deserializing it). */
    public static boolean handles(Class<?> payloadType) {
        return UserEvent.class.isAssignableFrom(payloadType);
    }

    public Optional<UserView> user(String tenantId, String userId) {
        return byId.get(tenantId, userId);
    }

    public Optional<UserView> byUsername(String tenantId, String username) {
        return idByName.get(tenantId, UserIds.canonical(username)).flatMap(id -> user(tenantId, id));
    }

    @Override
    boolean handlesPayload(Class<?> payloadType) {
        return handles(payloadType);
    }

    @Override
    void applyPayload(Object event) {
        switch (event) {
            case UserRegistered e -> {
                byId.put(e.tenantId(), e.userId(), new UserView(e.userId(), e.tenantId(), e.username(), e.passwordHash(),
                        e.userMetadata(), e.roles(), e.permissions(), e.createdAt()));
                idByName.put(e.tenantId(), UserIds.canonical(e.username()), e.userId());
            }
            case UserUpdated e -> byId.get(e.tenantId(), e.userId()).ifPresent(u -> {
                idByName.remove(e.tenantId(), UserIds.canonical(u.username()), u.userId());
                idByName.put(e.tenantId(), UserIds.canonical(e.username()), u.userId());
                byId.put(e.tenantId(), u.userId(), new UserView(u.userId(), u.tenantId(), e.username(), u.passwordHash(),
                        e.userMetadata(), u.roles(), u.permissions(), u.createdAt()));
            });
            case UserPermissionsChanged e -> byId.update(e.tenantId(), e.userId(), u -> new UserView(u.userId(),
                    u.tenantId(), u.username(), u.passwordHash(), u.userMetadata(), e.roles(), e.permissions(), u.createdAt()));
            case UserPasswordChanged e -> byId.update(e.tenantId(), e.userId(), u -> new UserView(u.userId(), u.tenantId(),
                    u.username(), e.passwordHash(), u.userMetadata(), u.roles(), u.permissions(), u.createdAt()));
            case UserDeleted e -> byId.remove(e.tenantId(), e.userId())
                    .ifPresent(u -> idByName.remove(e.tenantId(), UserIds.canonical(u.username()), u.userId()));
            default -> { }
        }
    }
}
