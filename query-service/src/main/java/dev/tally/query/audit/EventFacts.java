package dev.tally.query.audit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the audit needs to know of an event, read from the components of its payload record by name, so every kernel
 * event (and any added later) is covered without a list of types to keep up to date: the tenant, the user, client,
 * session, family and token it concerns, and the instant it happened.
 *
 * @param occurredAt the payload's own instant, or {@code null} when it has none (the caller falls back to the
 *                   event's stored timestamp)
 */
public record EventFacts(String tenantId, String userId, String clientId, String sessionId, String familyId,
                         String jti, Instant occurredAt) {

    /** The payload's instant, first found in this order. */
    static final List<String> INSTANT_FIELDS = List.of("at", "startedAt", "issuedAt", "changedAt", "createdAt",
            "recordedAt");

    private static final ClassValue<Map<String, MethodHandle>> ACCESSORS = new ClassValue<>() {
        @Override
        protected Map<String, MethodHandle> computeValue(Class<?> type) {
            Map<String, MethodHandle> accessors = new HashMap<>();
            if (type.isRecord()) {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                for (RecordComponent component : type.getRecordComponents()) {
                    try {
                        accessors.put(component.getName(), lookup.unreflect(component.getAccessor()));
                    } catch (IllegalAccessException notPublic) {
                        // a record we may not read is a record without that fact
                    }
                }
            }
            return Map.copyOf(accessors);
        }
    };

    /** The facts of {@code payload}, or {@code null} when it names no tenant (nothing the audit keeps). */
    public static EventFacts of(Object payload) {
        if (payload == null) {
            return null;
        }
        Map<String, MethodHandle> accessors = ACCESSORS.get(payload.getClass());
        String tenantId = string(accessors, payload, "tenantId");
        if (tenantId == null) {
            return null;
        }
        String clientId = string(accessors, payload, "clientId");
        String userId = string(accessors, payload, "userId");
        if (userId == null) {
            userId = userSubject(string(accessors, payload, "subject"), clientId,
                    string(accessors, payload, "grantType"));
        }
        Instant occurredAt = null;
        for (String field : INSTANT_FIELDS) {
            if (get(accessors, payload, field) instanceof Instant instant) {
                occurredAt = instant;
                break;
            }
        }
        return new EventFacts(tenantId, userId, clientId, string(accessors, payload, "sessionId"),
                string(accessors, payload, "familyId"), string(accessors, payload, "jti"), occurredAt);
    }

    /** The instant in the payload, else {@code fallback} (the event's stored timestamp). */
    public static Instant occurredAt(Object payload, Instant fallback) {
        EventFacts facts = of(payload);
        return facts == null || facts.occurredAt() == null ? fallback : facts.occurredAt();
    }

    /**
     * A token's subject is a user unless the token was issued to a client for itself (client credentials: the
     * subject is the client id).
     */
    static String userSubject(String subject, String clientId, String grantType) {
        if (subject == null || subject.equals(clientId) || "client_credentials".equals(grantType)) {
            return null;
        }
        return subject;
    }

    private static String string(Map<String, MethodHandle> accessors, Object payload, String name) {
        return get(accessors, payload, name) instanceof String s && !s.isEmpty() ? s : null;
    }

    private static Object get(Map<String, MethodHandle> accessors, Object payload, String name) {
        MethodHandle accessor = accessors.get(name);
        if (accessor == null) {
            return null;
        }
        try {
            return accessor.invoke(payload);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read " + name + " of " + payload.getClass().getName(), e);
        }
    }
}
