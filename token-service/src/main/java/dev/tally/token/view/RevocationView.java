package dev.tally.token.view;

import dev.tally.kernel.code.CodeEvents.AuthorizationCodeReused;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventhandling.EventMessage;

/**
 * The token service's in-memory view of what is revoked, so that an access token (a signed JWT, which no aggregate
 * knows) can be refused without a read of the store: by its {@code jti}, by its subject's "not before", by its
 * login session ({@code sid}) or by its refresh-token family ({@code fid}). Fed from the event store like the token
 * configuration ({@link RevocationViewProjection}); every key starts with the tenant.
 *
 * <p>What it keeps, and for how long:
 * <ul>
 *   <li>revoked jtis ({@code AccessTokenRevoked}, {@code AuthorizationCodeReused}) until the token's expiry, after
 *       which an expired token is refused anyway; {@code AuthorizationCodeReused} does not say when its tokens expire,
 *       so those are kept for good (a reuse is rare: two ids each);</li>
 *   <li>revoked sessions and families until the last access token issued in them expires. For that it follows
 *       {@code AccessTokenIssued} and remembers, per session and family that has unexpired tokens, the latest expiry
 *       (not each token): the map holds at most one entry per live session or family. A revocation whose tokens'
 *       issuance records arrive later (signed before, recorded after) is extended when they do; one with no known
 *       tokens is kept for {@link #GRACE} for those in flight;</li>
 *   <li>per tenant and subject the "not before" of {@code UserTokensRevoked}; a deleted user's is "forever" (user
 *       ids are never reused). These are kept for good.</li>
 * </ul>
 *
 * <p>Every update is a merge that takes the later instant, so applying an event twice (the start-up replay and live
 * delivery may overlap), or two events in either order, gives the same view. Writes are serialized (they come from
 * the issuance log's writer and from commands' units of work); reads take no lock.
 */
public class RevocationView {
    /** How long a revoked session or family with no known tokens stays revoked: covers issuance records in flight. */
    public static final Duration GRACE = Duration.ofMinutes(5);
    private static final Set<Class<?>> HANDLED = Set.of(AccessTokenRevoked.class, AuthorizationCodeReused.class,
            SessionRevoked.class, RefreshTokenFamilyRevoked.class, UserTokensRevoked.class, UserDeleted.class,
            AccessTokenIssued.class);

    private final Map<String, Instant> revokedTokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> revokedSessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> revokedFamilies = new ConcurrentHashMap<>();
    private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();
    /** Per session with unexpired access tokens: when the last of them expires. */
    private final Map<String, Instant> sessionTokensUntil = new ConcurrentHashMap<>();
    /** Per family with unexpired access tokens: when the last of them expires. */
    private final Map<String, Instant> familyTokensUntil = new ConcurrentHashMap<>();

    /** Whether the view cares about an event of this payload type (checked before deserializing it). */
    public static boolean handles(Class<?> payloadType) {
        return HANDLED.contains(payloadType);
    }

    /**
     * True if an access token with these claims is revoked: its jti, its session, its family, or everything its
     * subject was issued before {@code iat}. Signature, issuer and expiry are the caller's to check.
     *
     * @param issuedAt  the token's {@code iat}; compared with the subject's "not before" as full instants
     * @param sessionId the token's {@code sid}, or {@code null}
     * @param familyId  the token's {@code fid}, or {@code null}
     */
    public boolean revoked(String tenantId, String jti, String subject, Instant issuedAt, String sessionId, String familyId) {
        if (jti != null && revokedTokens.containsKey(key(tenantId, jti))) {
            return true;
        }
        if (sessionId != null && revokedSessions.containsKey(key(tenantId, sessionId))) {
            return true;
        }
        if (familyId != null && revokedFamilies.containsKey(key(tenantId, familyId))) {
            return true;
        }
        Instant nb = subject == null ? null : notBefore.get(key(tenantId, subject));
        return nb != null && (issuedAt == null || issuedAt.isBefore(nb));
    }

    /** True if the jti alone is revoked (the revocation endpoint asks before recording it again). */
    public boolean tokenRevoked(String tenantId, String jti) {
        return revokedTokens.containsKey(key(tenantId, jti));
    }

    /**
     * Applies one event. Events of a type it does not handle are ignored; the payload is deserialized only for
     * those it handles.
     *
     * @return true if the event was of a type this view handles
     */
    public synchronized boolean apply(EventMessage<?> message) {
        if (!handles(message.getPayloadType())) {
            return false;
        }
        switch (message.getPayload()) {
            case AccessTokenRevoked e -> later(revokedTokens, key(e.tenantId(), e.jti()),
                    e.expiresAt() == null ? Instant.MAX : e.expiresAt());
            case AuthorizationCodeReused e -> e.revokedTokenIds().forEach(jti -> revokedTokens.put(key(e.tenantId(), jti), Instant.MAX));
            case SessionRevoked e -> revoke(revokedSessions, sessionTokensUntil, key(e.tenantId(), e.sessionId()), e.at());
            case RefreshTokenFamilyRevoked e -> revoke(revokedFamilies, familyTokensUntil, key(e.tenantId(), e.familyId()), e.at());
            case UserTokensRevoked e -> later(notBefore, key(e.tenantId(), e.userId()), e.notBefore());
            // Every token the user ever had, whatever the clocks say: the user is gone and its id is never reused.
            case UserDeleted e -> notBefore.put(key(e.tenantId(), e.userId()), Instant.MAX);
            case AccessTokenIssued e -> issued(e);
            default -> { }
        }
        return true;
    }

    private void issued(AccessTokenIssued e) {
        if (e.expiresAt() == null) {
            return;
        }
        if (e.sessionId() != null) {
            track(revokedSessions, sessionTokensUntil, key(e.tenantId(), e.sessionId()), e.expiresAt());
        }
        if (e.familyId() != null) {
            track(revokedFamilies, familyTokensUntil, key(e.tenantId(), e.familyId()), e.expiresAt());
        }
    }

    /** A token of an already revoked session or family extends the revocation; otherwise its expiry is remembered. */
    private static void track(Map<String, Instant> revoked, Map<String, Instant> tokensUntil, String k, Instant expiresAt) {
        if (revoked.computeIfPresent(k, (id, until) -> until.isBefore(expiresAt) ? expiresAt : until) == null) {
            later(tokensUntil, k, expiresAt);
        }
    }

    /** Revoked until the last known token expires, and at least {@link #GRACE} after the revocation. */
    private static void revoke(Map<String, Instant> revoked, Map<String, Instant> tokensUntil, String k, Instant at) {
        Instant until = (at == null ? Instant.MAX : at.plus(GRACE));
        Instant lastToken = tokensUntil.remove(k);
        if (lastToken != null && lastToken.isAfter(until)) {
            until = lastToken;
        }
        later(revoked, k, until);
    }

    /**
     * Forgets what can no longer matter at {@code now}: revoked jtis past their expiry, revoked sessions and families
     * whose tokens have all expired, and the latest expiries of sessions and families whose tokens have all expired.
     *
     * @return how many entries were dropped
     */
    public synchronized int prune(Instant now) {
        int before = size();
        revokedTokens.values().removeIf(until -> until.isBefore(now));
        revokedSessions.values().removeIf(until -> until.isBefore(now));
        revokedFamilies.values().removeIf(until -> until.isBefore(now));
        sessionTokensUntil.values().removeIf(until -> until.isBefore(now));
        familyTokensUntil.values().removeIf(until -> until.isBefore(now));
        return before - size();
    }

    /**
     * What the view holds, copied under the writers' lock: each map by key, every instant as ISO-8601 text. A view
     * built by {@link #restore} from it answers as this one does.
     */
    public synchronized State state() {
        return new State(copy(revokedTokens), copy(revokedSessions), copy(revokedFamilies), copy(notBefore),
                copy(sessionTokensUntil), copy(familyTokensUntil));
    }

    /** Merges a state into this view (each instant the later one), as applying its events again would. */
    public synchronized void restore(State state) {
        merge(revokedTokens, state.tokens());
        merge(revokedSessions, state.sessions());
        merge(revokedFamilies, state.families());
        merge(notBefore, state.notBefore());
        merge(sessionTokensUntil, state.sessionTokensUntil());
        merge(familyTokensUntil, state.familyTokensUntil());
    }

    /** The view's maps, in a form Jackson writes and reads without help ({@link #state()}). */
    public record State(Map<String, String> tokens, Map<String, String> sessions, Map<String, String> families,
                        Map<String, String> notBefore, Map<String, String> sessionTokensUntil,
                        Map<String, String> familyTokensUntil) {
        public static final State EMPTY = new State(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    private static Map<String, String> copy(Map<String, Instant> map) {
        Map<String, String> copy = new java.util.TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v.toString()));
        return copy;
    }

    private static void merge(Map<String, Instant> into, Map<String, String> from) {
        if (from != null) {
            from.forEach((k, v) -> later(into, k, Instant.parse(v)));
        }
    }

    /** Entries held, for the view's size gauge and tests. */
    public int size() {
        return revokedTokens.size() + revokedSessions.size() + revokedFamilies.size() + notBefore.size()
                + sessionTokensUntil.size() + familyTokensUntil.size();
    }

    private static void later(Map<String, Instant> map, String k, Instant instant) {
        if (instant != null) {
            map.merge(k, instant, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    private static String key(String tenantId, String id) {
        return tenantId + '\n' + id;
    }
}
