package dev.tally.resourceserver.revocation;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the tenant has revoked, as far as the last poll read it, held in memory: each revoked {@code jti},
 * {@code sid}, {@code fid} and signing key {@code kid}, and each subject's "not before". Every entry is kept until
 * the tokens it covers have expired: a jti until the token's {@code expires_at}; the others, which cover tokens the
 * list does not name, for {@code retention} after they were revoked (the longest lifetime of a token this API
 * accepts). Reads take no lock; the one poller writes.
 */
public final class RevocationList {
    private final Duration retention;
    private final Map<String, Instant> jtis = new ConcurrentHashMap<>();
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> families = new ConcurrentHashMap<>();
    private final Map<String, Instant> keys = new ConcurrentHashMap<>();
    private final Map<String, NotBefore> subjects = new ConcurrentHashMap<>();

    public RevocationList(Duration retention) {
        this.retention = retention;
    }

    /**
     * Why a token with these claims is revoked, or {@code null} when it is not. Signature, issuer, audience and
     * expiry are checked elsewhere.
     *
     * @param issuedAt the token's {@code iat}; a token without one is refused when its subject has a "not before"
     */
    public String revoked(String jti, String sessionId, String familyId, String subject, Instant issuedAt, String kid) {
        if (jti != null && jtis.containsKey(jti)) {
            return "the token was revoked";
        }
        if (sessionId != null && sessions.containsKey(sessionId)) {
            return "the token's session was revoked";
        }
        if (familyId != null && families.containsKey(familyId)) {
            return "the token's refresh token family was revoked";
        }
        NotBefore nb = subject == null ? null : subjects.get(subject);
        if (nb != null && (issuedAt == null || issuedAt.isBefore(nb.at()))) {
            return "the subject's tokens issued before " + nb.at() + " were revoked";
        }
        if (kid != null && keys.containsKey(kid)) {
            return "the token's signing key was revoked";
        }
        return null;
    }

    /**
     * Takes one entry of {@code GET /t/{tenant}/revocations} (its JSON object as a map). Kinds this version does not
     * know are skipped, so a newer Tally does not stop the poller.
     *
     * @return false if the entry was of an unknown kind or lacked what its kind needs
     */
    public boolean apply(Map<String, Object> entry) {
        Object kind = entry.get("kind");
        Instant revokedAt = instant(entry.get("revoked_at"));
        // an entry without its instant is kept for good rather than dropped: refusing too long is the safe side
        Instant coveredUntil = revokedAt == null ? Instant.MAX : plus(revokedAt, retention);
        switch (kind instanceof String k ? k : "") {
            case "jti" -> {
                Instant expiresAt = instant(entry.get("expires_at"));
                return later(jtis, text(entry.get("jti")), expiresAt != null ? expiresAt : coveredUntil);
            }
            case "session" -> {
                return later(sessions, text(entry.get("session_id")), coveredUntil);
            }
            case "family" -> {
                return later(families, text(entry.get("family_id")), coveredUntil);
            }
            case "signing_key" -> {
                return later(keys, text(entry.get("kid")), coveredUntil);
            }
            case "subject" -> {
                String subject = text(entry.get("subject"));
                Instant notBefore = instant(entry.get("not_before"));
                if (subject == null || notBefore == null) {
                    return false;
                }
                // the latest "not before" wins; it matters until the tokens issued before it have expired
                subjects.merge(subject, new NotBefore(notBefore, plus(notBefore, retention)),
                        (a, b) -> a.at().isAfter(b.at()) ? a : b);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Forgets the entries whose tokens have all expired by {@code now}.
     *
     * @return how many were dropped
     */
    public int prune(Instant now) {
        int before = size();
        jtis.values().removeIf(until -> until.isBefore(now));
        sessions.values().removeIf(until -> until.isBefore(now));
        families.values().removeIf(until -> until.isBefore(now));
        keys.values().removeIf(until -> until.isBefore(now));
        subjects.values().removeIf(nb -> nb.until().isBefore(now));
        return before - size();
    }

    /** Entries held (of every kind). */
    public int size() {
        return jtis.size() + sessions.size() + families.size() + keys.size() + subjects.size();
    }

    private static boolean later(Map<String, Instant> map, String key, Instant until) {
        if (key == null || until == null) {
            return false;
        }
        map.merge(key, until, (a, b) -> a.isAfter(b) ? a : b);
        return true;
    }

    private static Instant plus(Instant at, Duration by) {
        if (at == null) {
            return null;
        }
        return Instant.MAX.minus(by).isBefore(at) ? Instant.MAX : at.plus(by);
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isEmpty() ? s : null;
    }

    private static Instant instant(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private record NotBefore(Instant at, Instant until) {
    }
}
