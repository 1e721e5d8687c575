package dev.tally.kernel.session;

import java.time.Instant;

/**
 * The session's answer to a use: alive (with who and since when), or why not.
 *
 * @param endReason why the session is not alive; {@code null} when it is
 */
public record SessionUse(String sessionId, String userId, boolean alive, Instant authTime, Instant idleDeadline,
                         Instant absoluteDeadline, SessionEndReason endReason) {
}
