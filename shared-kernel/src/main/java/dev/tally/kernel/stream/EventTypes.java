package dev.tally.kernel.stream;

import dev.tally.kernel.api.ApiEvents;
import dev.tally.kernel.client.ClientEvents;
import dev.tally.kernel.code.CodeEvents;
import dev.tally.kernel.refresh.RefreshEvents;
import dev.tally.kernel.rule.RuleEvents;
import dev.tally.kernel.session.SessionEvents;
import dev.tally.kernel.tenant.TenantEvents;
import dev.tally.kernel.token.TokenEvents;
import dev.tally.kernel.user.UserEvents;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The published event types: the one place where a kernel event class gets its stable name on the stream. The
 * CloudEvents {@code type} of an event is {@code <name>.v<revision>}, for example
 * {@code dev.tally.token.AccessTokenIssued.v2}, where {@code revision} is the payload revision stored with the event
 * (its {@code @Revision} when it was recorded). Older revisions stay in the history and on the stream; each name lists
 * every revision it was ever published with.
 *
 * <p>The names are written out here, not derived from the Java classes at run time, so renaming or moving a kernel
 * class cannot silently change the contract: it changes the class reference below and nothing else. A new event, or
 * a new revision of one, must be added here; {@code EventTypesTest} fails until it is. A name is never reused for
 * another meaning and never removed.
 *
 * <p>Every kernel event carries its tenant ({@code tenantId()}); the relay reads it through this table.
 */
public final class EventTypes {
    private static final Pattern TYPE = Pattern.compile("^(dev\\.tally\\.[a-z]+\\.[A-Z][A-Za-z0-9]*)\\.v([1-9][0-9]*)$");

    /**
     * One published event name.
     *
     * @param name         {@code dev.tally.<area>.<EventName>}, without revision
     * @param payloadClass the kernel class whose JSON is the event's {@code data}
     * @param revisions    every revision published under this name, oldest first; the last is the class's current one
     */
    public record EventType(String name, Class<?> payloadClass, List<String> revisions) {
        public EventType {
            revisions = List.copyOf(revisions);
        }

        /** The CloudEvents type of this event at {@code revision}. */
        public String type(String revision) {
            return name + ".v" + revision;
        }

        public String currentRevision() {
            return revisions.get(revisions.size() - 1);
        }

        public String currentType() {
            return type(currentRevision());
        }

        /** The area of the name: {@code token} for {@code dev.tally.token.AccessTokenIssued}. */
        public String area() {
            return name.substring("dev.tally.".length(), name.lastIndexOf('.'));
        }
    }

    /** A CloudEvents type taken apart: which event, at which revision. */
    public record ParsedType(EventType eventType, String revision) {
        /** The stored payload type that Axon's serializer reads: the Java class name. */
        public String payloadTypeName() {
            return eventType.payloadClass().getName();
        }
    }

    private static final List<EventType> ALL = List.of(
            // tenant
            type("dev.tally.tenant.TenantCreated", TenantEvents.TenantCreated.class, "1"),
            type("dev.tally.tenant.TenantRenamed", TenantEvents.TenantRenamed.class, "1"),
            type("dev.tally.tenant.TenantLifetimeSettingsChanged", TenantEvents.TenantLifetimeSettingsChanged.class, "1"),
            type("dev.tally.tenant.TenantRefreshSettingsChanged", TenantEvents.TenantRefreshSettingsChanged.class, "1"),
            type("dev.tally.tenant.TenantPermissionChangePolicyChanged",
                    TenantEvents.TenantPermissionChangePolicyChanged.class, "1"),
            type("dev.tally.tenant.TenantDefaultAudienceChanged", TenantEvents.TenantDefaultAudienceChanged.class, "1"),
            type("dev.tally.tenant.TenantDeleted", TenantEvents.TenantDeleted.class, "1"),
            type("dev.tally.tenant.SigningKeyAdded", TenantEvents.SigningKeyAdded.class, "1"),
            type("dev.tally.tenant.SigningKeyCreated", TenantEvents.SigningKeyCreated.class, "1"),
            type("dev.tally.tenant.SigningKeyActivated", TenantEvents.SigningKeyActivated.class, "1"),
            type("dev.tally.tenant.SigningKeyRetired", TenantEvents.SigningKeyRetired.class, "1"),
            type("dev.tally.tenant.SigningKeyRevoked", TenantEvents.SigningKeyRevoked.class, "1"),
            type("dev.tally.tenant.SigningKeyRotationChanged", TenantEvents.SigningKeyRotationChanged.class, "1"),
            type("dev.tally.tenant.IssuanceRecordRetentionChanged", TenantEvents.IssuanceRecordRetentionChanged.class, "1"),
            type("dev.tally.tenant.LegalHoldPlaced", TenantEvents.LegalHoldPlaced.class, "1"),
            type("dev.tally.tenant.LegalHoldLifted", TenantEvents.LegalHoldLifted.class, "1"),
            type("dev.tally.tenant.IssuanceRecordsPruned", TenantEvents.IssuanceRecordsPruned.class, "1"),
            type("dev.tally.tenant.SigningKeyResealed", TenantEvents.SigningKeyResealed.class, "1"),
            // api
            type("dev.tally.api.ApiRegistered", ApiEvents.ApiRegistered.class, "1", "2"),
            type("dev.tally.api.ApiUpdated", ApiEvents.ApiUpdated.class, "1", "2"),
            type("dev.tally.api.ApiDeleted", ApiEvents.ApiDeleted.class, "1"),
            // client
            type("dev.tally.client.ClientRegistered", ClientEvents.ClientRegistered.class, "1"),
            type("dev.tally.client.ClientUpdated", ClientEvents.ClientUpdated.class, "1"),
            type("dev.tally.client.ClientSecretRotated", ClientEvents.ClientSecretRotated.class, "1"),
            type("dev.tally.client.ClientRefreshSettingsChanged", ClientEvents.ClientRefreshSettingsChanged.class, "1"),
            type("dev.tally.client.ClientManagementScopesChanged", ClientEvents.ClientManagementScopesChanged.class, "1"),
            type("dev.tally.client.ClientAuthenticationChanged", ClientEvents.ClientAuthenticationChanged.class, "1"),
            type("dev.tally.client.ClientDeleted", ClientEvents.ClientDeleted.class, "1"),
            // lifetime rules
            type("dev.tally.rule.LifetimeRuleCreated", RuleEvents.LifetimeRuleCreated.class, "1"),
            type("dev.tally.rule.LifetimeRuleUpdated", RuleEvents.LifetimeRuleUpdated.class, "1"),
            type("dev.tally.rule.LifetimeRuleDeleted", RuleEvents.LifetimeRuleDeleted.class, "1"),
            // user
            type("dev.tally.user.UserRegistered", UserEvents.UserRegistered.class, "1"),
            type("dev.tally.user.UserUpdated", UserEvents.UserUpdated.class, "1"),
            type("dev.tally.user.UserPermissionsChanged", UserEvents.UserPermissionsChanged.class, "1", "2"),
            type("dev.tally.user.UserTokensRevoked", UserEvents.UserTokensRevoked.class, "1"),
            type("dev.tally.user.UserPasswordChanged", UserEvents.UserPasswordChanged.class, "1"),
            type("dev.tally.user.UserDeleted", UserEvents.UserDeleted.class, "1"),
            // login session
            type("dev.tally.session.SessionStarted", SessionEvents.SessionStarted.class, "1"),
            type("dev.tally.session.SessionExtended", SessionEvents.SessionExtended.class, "1"),
            type("dev.tally.session.SessionExpired", SessionEvents.SessionExpired.class, "1"),
            type("dev.tally.session.SessionRevoked", SessionEvents.SessionRevoked.class, "1", "2"),
            // authorization code
            type("dev.tally.code.AuthorizationCodeIssued", CodeEvents.AuthorizationCodeIssued.class, "1"),
            type("dev.tally.code.AuthorizationCodeRedeemed", CodeEvents.AuthorizationCodeRedeemed.class, "1"),
            type("dev.tally.code.AuthorizationCodeReused", CodeEvents.AuthorizationCodeReused.class, "1"),
            // refresh token family
            type("dev.tally.refresh.RefreshTokenFamilyStarted", RefreshEvents.RefreshTokenFamilyStarted.class, "1"),
            type("dev.tally.refresh.TokenRotated", RefreshEvents.TokenRotated.class, "1"),
            type("dev.tally.refresh.RefreshTokenReplayed", RefreshEvents.RefreshTokenReplayed.class, "1"),
            type("dev.tally.refresh.RefreshTokenUsed", RefreshEvents.RefreshTokenUsed.class, "1"),
            type("dev.tally.refresh.ReuseDetected", RefreshEvents.ReuseDetected.class, "1"),
            type("dev.tally.refresh.RefreshTokenFamilyRevoked", RefreshEvents.RefreshTokenFamilyRevoked.class, "1", "2"),
            type("dev.tally.refresh.RefreshTokenFamilyExpired", RefreshEvents.RefreshTokenFamilyExpired.class, "1"),
            // issued and revoked tokens (recorded without an aggregate)
            type("dev.tally.token.AccessTokenIssued", TokenEvents.AccessTokenIssued.class, "1", "2"),
            type("dev.tally.token.IdTokenIssued", TokenEvents.IdTokenIssued.class, "1"),
            type("dev.tally.token.AccessTokenRevoked", TokenEvents.AccessTokenRevoked.class, "1"));

    private static final Map<String, EventType> BY_NAME;
    private static final Map<String, EventType> BY_CLASS_NAME;
    private static final Map<Class<?>, Method> TENANT_ACCESSORS;

    static {
        Map<String, EventType> byName = new LinkedHashMap<>();
        Map<String, EventType> byClass = new LinkedHashMap<>();
        Map<Class<?>, Method> tenants = new LinkedHashMap<>();
        for (EventType t : ALL) {
            if (!TYPE.matcher(t.type("1")).matches()) {
                throw new IllegalStateException("malformed event name " + t.name());
            }
            if (byName.put(t.name(), t) != null || byClass.put(t.payloadClass().getName(), t) != null) {
                throw new IllegalStateException("event listed twice: " + t.name());
            }
            tenants.put(t.payloadClass(), tenantAccessor(t.payloadClass()));
        }
        BY_NAME = Collections.unmodifiableMap(byName);
        BY_CLASS_NAME = Collections.unmodifiableMap(byClass);
        TENANT_ACCESSORS = Collections.unmodifiableMap(tenants);
    }

    private EventTypes() {
    }

    private static EventType type(String name, Class<?> payloadClass, String... revisions) {
        return new EventType(name, payloadClass, List.of(revisions));
    }

    /** Every published event name, in the order above. */
    public static List<EventType> all() {
        return ALL;
    }

    /** Every CloudEvents type that may appear on the stream (each name at each of its revisions). */
    public static List<String> allTypes() {
        List<String> types = new ArrayList<>();
        for (EventType t : ALL) {
            t.revisions().forEach(r -> types.add(t.type(r)));
        }
        return types;
    }

    /**
     * The CloudEvents type of a stored event, from its payload type (the Java class name Axon stored) and revision.
     *
     * @throws UnknownEventTypeException when the class is not published or the revision is not listed for it
     */
    public static String typeOf(String payloadTypeName, String revision) {
        EventType t = BY_CLASS_NAME.get(payloadTypeName);
        if (t == null) {
            throw new UnknownEventTypeException("event payload " + payloadTypeName + " has no published name; "
                    + "add it to " + EventTypes.class.getName());
        }
        if (revision == null || !t.revisions().contains(revision)) {
            throw new UnknownEventTypeException("event " + t.name() + " has no published revision " + revision
                    + " (published: " + t.revisions() + "); add it to " + EventTypes.class.getName());
        }
        return t.type(revision);
    }

    /**
     * Takes a CloudEvents type apart.
     *
     * @throws UnknownEventTypeException for a type this version does not know (a newer producer's, or not Tally's)
     */
    public static ParsedType parse(String cloudEventType) {
        Matcher m = cloudEventType == null ? null : TYPE.matcher(cloudEventType);
        if (m == null || !m.matches()) {
            throw new UnknownEventTypeException("not a Tally event type: " + cloudEventType);
        }
        EventType t = BY_NAME.get(m.group(1));
        if (t == null || !t.revisions().contains(m.group(2))) {
            throw new UnknownEventTypeException("unknown Tally event type " + cloudEventType);
        }
        return new ParsedType(t, m.group(2));
    }

    public static boolean isKnown(String cloudEventType) {
        try {
            parse(cloudEventType);
            return true;
        } catch (UnknownEventTypeException e) {
            return false;
        }
    }

    /** The tenant of a published event's payload (every kernel event has {@code tenantId()}). */
    public static String tenantOf(Object payload) {
        Method accessor = TENANT_ACCESSORS.get(payload.getClass());
        if (accessor == null) {
            throw new UnknownEventTypeException("event payload " + payload.getClass().getName() + " has no published name");
        }
        try {
            return (String) accessor.invoke(payload);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the tenant of " + payload.getClass().getName(), e);
        }
    }

    private static Method tenantAccessor(Class<?> payloadClass) {
        if (payloadClass.isRecord()) {
            for (RecordComponent c : payloadClass.getRecordComponents()) {
                if (c.getName().equals("tenantId") && c.getType() == String.class) {
                    return c.getAccessor();
                }
            }
        }
        throw new IllegalStateException(payloadClass.getName() + " is published but has no tenantId");
    }
}
