package dev.tally.query.revocation;

import java.time.Instant;

/**
 * One entry of a tenant's revocation log, in the order resource servers read it ({@code position}, then
 * {@code ordinal} within one event).
 *
 * @param kind      {@code jti}, {@code family}, {@code session}, {@code subject} or {@code signing_key}
 * @param refId     the revoked jti, family id, session id, the subject, or the signing key's {@code kid}
 * @param expiresAt jti entries: when the token expires by itself ({@code null} if unknown)
 * @param notBefore subject entries: tokens issued before this instant are refused
 */
public record RevocationEntry(String tenantId, long position, int ordinal, String kind, String refId, String subject,
                              Instant expiresAt, Instant notBefore, Instant revokedAt, String reason, String causeKind,
                              String causeReference) {
    public static final String JTI = "jti";
    public static final String FAMILY = "family";
    public static final String SESSION = "session";
    public static final String SUBJECT = "subject";
    public static final String SIGNING_KEY = "signing_key";
}
