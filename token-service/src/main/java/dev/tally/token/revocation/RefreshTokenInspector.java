package dev.tally.token.revocation;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.support.axon.ConcurrentAppend;
import dev.tally.token.oauth.OAuthError;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Asks a refresh token's family whether the token is active ({@code InspectRefreshToken}): the family decides, on
 * its stored history, never a projection. A family that another node has moved on answers with a concurrency
 * failure and is asked again (it then decides on the stored history).
 */
@Component
public class RefreshTokenInspector {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenInspector.class);
    static final int ATTEMPTS = 3;

    private final CommandGateway commands;

    public RefreshTokenInspector(CommandGateway commands) {
        this.commands = commands;
    }

    /** True if the token is shaped like one of Tally's refresh tokens (a family id, a dot, a secret). */
    public static boolean looksLikeRefreshToken(String token) {
        return RefreshTokens.familyOf(token) != null;
    }

    /**
     * What the token's family says about it; inactive for a token of no family, of another tenant's family, or not
     * shaped like a refresh token.
     *
     * @throws OAuthError temporarily unavailable if the store cannot answer
     */
    public RefreshTokenIntrospection inspect(String tenantId, String token) {
        String familyId = RefreshTokens.familyOf(token);
        if (familyId == null) {
            return RefreshTokenIntrospection.INACTIVE;
        }
        InspectRefreshToken command = new InspectRefreshToken(familyId, tenantId, SecretHash.of(token));
        for (int attempt = 1; ; attempt++) {
            try {
                RefreshTokenIntrospection answer = commands.sendAndWait(command);
                return answer == null ? RefreshTokenIntrospection.INACTIVE : answer;
            } catch (AggregateNotFoundException | NotFound unknown) {
                return RefreshTokenIntrospection.INACTIVE;
            } catch (RuntimeException e) {
                if (ConcurrentAppend.causedBy(e)) {
                    if (attempt == ATTEMPTS) {
                        throw OAuthError.temporarilyUnavailable("the refresh token is being used concurrently; retry");
                    }
                    continue;
                }
                if (OAuthForms.storeFailure(e)) {
                    LOG.warn("refresh token family {} could not be read", familyId, e);
                    throw OAuthError.temporarilyUnavailable("the token store is unavailable; retry shortly");
                }
                throw e;
            }
        }
    }
}
