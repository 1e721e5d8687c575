package dev.tally.kernel.command;

import dev.tally.kernel.code.CodeCommands.IssueAuthorizationCode;
import dev.tally.kernel.code.CodeCommands.RedeemAuthorizationCode;
import dev.tally.kernel.code.CodeRedemption;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionCommands.StartSession;
import dev.tally.kernel.session.SessionCommands.UseSession;
import dev.tally.kernel.session.SessionUse;
import java.util.List;

/**
 * What the token service asks of the command service: the commands it sends and what they answer. A contract between
 * the two services, so it lives with the commands themselves; in distributed mode the command transport lets these
 * cross and nothing else, checked by name before anything is deserialized.
 */
public final class TokenServiceCommands {
    /** The commands the token service sends (sessions, authorization codes, refresh-token families); no others. */
    public static final List<Class<?>> COMMANDS = List.of(
            StartSession.class, UseSession.class, RevokeSession.class,
            IssueAuthorizationCode.class, RedeemAuthorizationCode.class,
            StartRefreshTokenFamily.class, RotateRefreshToken.class, InspectRefreshToken.class,
            RevokeRefreshTokenFamily.class);

    /** What those commands answer: a new aggregate's id (creations), a decision, or nothing ({@code null}). */
    public static final List<Class<?>> RESULTS = List.of(String.class, SessionUse.class, CodeRedemption.class,
            RefreshOutcome.class, RefreshTokenIntrospection.class);

    private TokenServiceCommands() {
    }
}
