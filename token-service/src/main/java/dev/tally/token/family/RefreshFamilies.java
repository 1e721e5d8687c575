package dev.tally.token.family;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.platform.axon.ConcurrentAppend;
import dev.tally.platform.axon.StoreFailure;
import dev.tally.token.protocol.OAuthError;
import java.util.Optional;
import java.util.function.Supplier;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The token service's questions to refresh-token families: every one goes to the family aggregate, which alone
 * decides, on its own history (never a projection). A command that loses an append race to another node is sent
 * again ({@link ConcurrentAppend#retried}): the family then decides on the state the winner left. What the caller
 * cannot act on is answered in OAuth terms: contention that does not settle, or a store that cannot answer, is
 * {@code 503 temporarily_unavailable}, and nothing was decided.
 */
@Component
public class RefreshFamilies {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshFamilies.class);

    private final CommandGateway commands;
    private final KnownFamilies known = new KnownFamilies();

    public RefreshFamilies(CommandGateway commands) {
        this.commands = commands;
    }

    /** True if the token is shaped like one of Tally's refresh tokens (a family id, a dot, a secret). */
    public static boolean looksLikeRefreshToken(String token) {
        return RefreshTokens.familyOf(token) != null;
    }

    /**
     * RFC 6749 §6: the family decides (rotation, leeway, reuse, expiry).
     *
     * @throws OAuthError invalid grant for a family that does not exist (or is another tenant's)
     */
    public RefreshOutcome rotate(RotateRefreshToken command) {
        RefreshOutcome outcome;
        try {
            outcome = ask(command.familyId(), "rotate", () -> commands.sendAndWait(command),
                    () -> OAuthError.invalidGrant("unknown refresh token"));
        } catch (RuntimeException e) {
            known.forget(command.familyId());
            throw e;
        }
        if (outcome == null) {
            known.forget(command.familyId());
            throw OAuthError.invalidGrant("the refresh token was refused");
        }
        if (outcome.granted()) {
            known.remember(command.familyId(), new FamilyFacts(command.tenantId(), command.clientId(), outcome.userId(),
                    outcome.sessionId(), outcome.scope(), outcome.audience()));
        } else {
            known.forget(command.familyId()); // most refusals are of a family that has ended
        }
        return outcome;
    }

    /**
     * What this node knows of the family, if it is this tenant's and client's: the facts a family never changes,
     * from its start here or its last granted use here ({@link KnownFamilies}). Empty means: ask the family first.
     */
    public Optional<FamilyFacts> known(String familyId, String tenantId, String clientId) {
        return known.of(familyId, tenantId, clientId);
    }

    /** A new family for a login that asked for offline access. */
    public void start(StartRefreshTokenFamily command) {
        try {
            commands.sendAndWait(command);
            known.remember(command.familyId(), new FamilyFacts(command.tenantId(), command.clientId(), command.userId(),
                    command.sessionId(), command.scope(), command.audience()));
        } catch (RuntimeException e) {
            if (!StoreFailure.causedBy(e)) {
                throw e;
            }
            LOG.warn("could not start refresh token family {}", command.familyId(), e);
            throw OAuthError.temporarilyUnavailable("the token store is unavailable; retry shortly");
        }
    }

    /**
     * What the token's family says about it ({@code InspectRefreshToken}); inactive for a token of no family, of
     * another tenant's family, or not shaped like a refresh token.
     */
    public RefreshTokenIntrospection inspect(String tenantId, String token) {
        String familyId = RefreshTokens.familyOf(token);
        if (familyId == null) {
            return RefreshTokenIntrospection.INACTIVE;
        }
        InspectRefreshToken command = new InspectRefreshToken(familyId, tenantId, SecretHash.of(token));
        RefreshTokenIntrospection answer = ask(familyId, "inspect", () -> commands.sendAndWait(command), null);
        return answer == null ? RefreshTokenIntrospection.INACTIVE : answer;
    }

    /** Ends the family (idempotent); a family that does not exist has nothing to end. */
    public void revoke(RevokeRefreshTokenFamily command) {
        known.forget(command.familyId());
        ask(command.familyId(), "revoke", () -> commands.sendAndWait(command), null);
    }

    /**
     * Sends a command to the family, again while it loses append races.
     *
     * @param ifUnknown what to throw for a family that does not exist (or is another tenant's); {@code null}: answer
     *     null
     */
    private <T> T ask(String familyId, String what, Supplier<T> command, Supplier<OAuthError> ifUnknown) {
        try {
            return ConcurrentAppend.retried(command);
        } catch (AggregateNotFoundException | NotFound unknownOrAnotherTenants) {
            if (ifUnknown != null) {
                throw ifUnknown.get();
            }
            return null;
        } catch (RuntimeException e) {
            if (ConcurrentAppend.causedBy(e)) {
                throw OAuthError.temporarilyUnavailable("the refresh token is being used concurrently; retry");
            }
            if (StoreFailure.causedBy(e)) {
                LOG.warn("refresh token family {} could not {}; nothing was decided", familyId, what, e);
                throw OAuthError.temporarilyUnavailable("the token store is unavailable; retry shortly");
            }
            throw e;
        }
    }
}
