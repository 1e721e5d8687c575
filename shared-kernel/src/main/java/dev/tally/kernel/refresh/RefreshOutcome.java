package dev.tally.kernel.refresh;

/**
 * The family's answer to a use.
 *
 * @param granted whether the caller may issue tokens
 * @param rotated whether the caller must hand out the presented token's successor (false with rotation none: the same
 *                token stays); after a replay within the leeway that successor is the family's current token
 * @param reuseDetected the presented token was an older one: the family is now revoked
 * @param failure why it was refused ({@code null} when granted)
 * @param error the OAuth error of a refusal: {@code invalid_grant}, or {@code invalid_scope} for a scope wider than the
 *              family's (refused before anything was recorded); {@code null} when granted
 * @param replayed the presented token was the previous one, within the leeway: its successor was handed out again
 */
public record RefreshOutcome(boolean granted, boolean rotated, boolean reuseDetected, String failure, String userId,
                             String sessionId, String scope, String audience, int generation, String error,
                             boolean replayed) {
    public static final String INVALID_GRANT = "invalid_grant";
    public static final String INVALID_SCOPE = "invalid_scope";
    /** The refusal of a family whose absolute or idle deadline has passed. */
    public static final String EXPIRED = "the refresh token has expired";

    public RefreshOutcome(boolean granted, boolean rotated, boolean reuseDetected, String failure, String userId,
                          String sessionId, String scope, String audience, int generation) {
        this(granted, rotated, reuseDetected, failure, userId, sessionId, scope, audience, generation,
                granted ? null : INVALID_GRANT, false);
    }

    /** Refused because the family's deadline had passed (what metrics count apart from other refusals). */
    public boolean expired() {
        return !granted && EXPIRED.equals(failure);
    }

    public static RefreshOutcome refused(String why) {
        return new RefreshOutcome(false, false, false, why, null, null, null, null, 0);
    }

    /** A scope wider than the family's: nothing recorded, the presented token stays as it was. */
    public static RefreshOutcome scopeRefused(String why) {
        return new RefreshOutcome(false, false, false, why, null, null, null, null, 0, INVALID_SCOPE, false);
    }
}
