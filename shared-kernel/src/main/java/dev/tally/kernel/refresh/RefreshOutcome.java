package dev.tally.kernel.refresh;

/**
 * The family's answer to a use.
 *
 * @param granted whether the caller may issue tokens
 * @param rotated whether the caller must hand out the new token (false with rotation none: the same token stays)
 * @param reuseDetected the presented token was an older one: the family is now revoked
 * @param failure why it was refused ({@code null} when granted): the token endpoint answers {@code invalid_grant}
 */
public record RefreshOutcome(boolean granted, boolean rotated, boolean reuseDetected, String failure, String userId,
                             String sessionId, String scope, String audience, int generation) {

    public static RefreshOutcome refused(String why) {
        return new RefreshOutcome(false, false, false, why, null, null, null, null, 0);
    }
}
