package dev.tally.token.grant;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.token.audience.Audiences;
import dev.tally.token.family.FamilyFacts;
import dev.tally.token.family.RefreshFamilies;
import dev.tally.token.family.RefreshSuccessors;
import dev.tally.token.issuance.Issued;
import dev.tally.token.issuance.TokenIssuer;
import dev.tally.token.issuance.TokenIssuer.Prepared;
import dev.tally.token.issuance.UserTokens;
import dev.tally.token.issuance.UserTokens.Jtis;
import dev.tally.token.issuance.UserTokens.Login;
import dev.tally.token.metrics.TokenMetrics;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.TenantView;
import dev.tally.token.view.TokenConfigState.UserView;
import dev.tally.token.view.Users;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * RFC 6749 §6: one command to the token's family, which alone decides (rotation, replay within the leeway, reuse,
 * expiry, and a requested scope wider than the family's, refused before the token is spent). The successor is
 * {@link RefreshSuccessors derived} from the presented token, so a token presented again within the leeway (another
 * tab, a retry after a lost answer, on any node) gets the same successor as its first use. A family the store cannot
 * update answers 503 and stays exactly as it was; the same token works once the store is back. A reuse ends the
 * user's login session too when the tenant says so ({@code on_refresh_token_reuse}). A refresh keeps the family's API:
 * an {@code audience} or {@code resource} (RFC 8707 §2.2) naming another is {@code invalid_target}, asked of the family
 * before the token is spent.
 *
 * <p>When this node knows the family ({@link RefreshFamilies#known}: started or last granted here), the tokens are
 * signed before the family is asked and their records ride with its command, which appends them only if it grants
 * the use, in the transaction of its decision: a refresh then waits for one durable commit instead of two (the
 * decision's, then the {@code IssuanceLog}'s). Otherwise the family is asked first and the tokens are recorded after.
 */
@Component
@Order(3)
public class RefreshTokenGrant implements Grant {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenGrant.class);

    private final TokenConfig views;

    private final Users users;
    private final TokenIssuer issuer;
    private final RefreshFamilies families;
    private final RefreshSuccessors successors;
    private final CommandGateway commands;
    private final TokenMetrics metrics;

    public RefreshTokenGrant(TokenConfig views, TokenIssuer issuer, RefreshFamilies families,
                             RefreshSuccessors successors, CommandGateway commands, Users users, TokenMetrics metrics) {
        this.metrics = metrics;
        this.views = views;
        this.users = users;
        this.issuer = issuer;
        this.families = families;
        this.successors = successors;
        this.commands = commands;
    }

    @Override
    public String type() {
        return GrantTypes.REFRESH_TOKEN;
    }

    @Override
    public Issued issue(GrantRequest request) {
        TenantView tenant = request.tenant();
        String presented = request.parameters().required("refresh_token");
        String familyId = RefreshTokens.familyOf(presented);
        if (familyId == null) {
            metrics.refresh(tenant.tenantId(), TokenMetrics.Refresh.REFUSED);
            throw OAuthError.invalidGrant("unknown refresh token");
        }
        Optional<FamilyFacts> known = families.known(familyId, tenant.tenantId(), request.client().clientId());
        Optional<String> named = Audiences.named(request.parameters());
        if (named.isPresent()) {
            if (known.isPresent()) {
                requireFamilyAudience(named.get(), known.get().audience()); // a family's API never changes
            } else {
                RefreshTokenIntrospection current = families.inspect(tenant.tenantId(), presented);
                if (current.active()) {
                    requireFamilyAudience(named.get(), current.audience());
                }
            }
        }
        String next = successors.successorOf(presented);
        Jtis jtis = Jtis.fresh();
        Scope requested = request.parameters().scope();
        // Signed before the family decides when this node knows the family: its tokens' records then ride with the
        // command and are committed with the decision, one durable commit for the refresh instead of two.
        Prepared prepared = known.map(family -> prepare(request, family, requested, jtis, presented)).orElse(null);
        RefreshOutcome outcome;
        try {
            outcome = families.rotate(new RotateRefreshToken(familyId, tenant.tenantId(),
                    request.client().clientId(), SecretHash.of(presented), SecretHash.of(next), jtis.access(),
                    requested.text(), prepared == null ? null : prepared.records()));
        } catch (OAuthError e) {
            if (e.error().equals("invalid_grant")) {
                metrics.refresh(tenant.tenantId(), TokenMetrics.Refresh.REFUSED); // no such family
            }
            throw e;
        }
        metrics.refresh(tenant.tenantId(), TokenMetrics.Refresh.of(outcome));
        if (!outcome.granted()) {
            if (outcome.reuseDetected() && outcome.sessionId() != null && tenant.refresh().revokeSessionOnReuse()) {
                revokeSessionAfterReuse(tenant.tenantId(), outcome.sessionId(), familyId);
            }
            String why = outcome.failure() != null ? outcome.failure()
                    : "the refresh token was used before; its family is revoked";
            throw RefreshOutcome.INVALID_SCOPE.equals(outcome.error()) ? OAuthError.invalidScope(why)
                    : OAuthError.invalidGrant(why);
        }
        if (named.isPresent()) {
            // a token within the leeway is not the family's current one, so the question above had no answer
            requireFamilyAudience(named.get(), outcome.audience());
        }
        String refresh = outcome.rotated() ? next : presented;
        if (prepared != null) {
            return issuer.handOut(prepared, refresh); // the family committed their records with its decision
        }
        return issuer.userTokens(userTokens(request, new FamilyFacts(tenant.tenantId(), request.client().clientId(),
                outcome.userId(), outcome.sessionId(), outcome.scope(), outcome.audience()), requested, jtis, refresh));
    }

    /**
     * The tokens signed ahead of the family's decision, or {@code null} if they cannot be (the user or the API is
     * gone, a scope wider than the family's): the family is then asked first, and answers or refuses as always.
     */
    private Prepared prepare(GrantRequest request, FamilyFacts family, Scope requested, Jtis jtis, String presented) {
        try {
            return issuer.prepareRefresh(userTokens(request, family, requested, jtis, presented));
        } catch (OAuthError cannotBeSignedAhead) {
            return null;
        }
    }

    /** What a refresh of the family hands out: for its user, API and login, within its scope. */
    private UserTokens userTokens(GrantRequest request, FamilyFacts family, Scope requested, Jtis jtis, String refresh) {
        TenantView tenant = request.tenant();
        UserView user = users.user(tenant.tenantId(), family.userId())
                .orElseThrow(() -> OAuthError.invalidGrant("the user no longer exists"));
        ApiView api = family.audience() == null ? null : views.api(tenant.tenantId(), family.audience())
                .orElseThrow(() -> OAuthError.invalidGrant("the API of this refresh token no longer exists"));
        Scope granted = Scope.parse(family.scope());
        Scope scope = requested.isEmpty() ? granted : requested;
        if (!granted.containsAll(scope)) {
            // the family checked it before anything was spent; a family from an older version may not have
            throw OAuthError.invalidScope("a refresh may narrow the granted scope, not widen it");
        }
        return new UserTokens(tenant, request.client(), user, api, scope, type(), request.issuer(),
                new Login(family.sessionId(), null, null), jtis, refresh);
    }

    private static void requireFamilyAudience(String named, String familyAudience) {
        if (!named.equals(familyAudience)) {
            throw OAuthError.invalidTarget("the refresh token was issued for " + (familyAudience == null ? "no API"
                    : "API '" + familyAudience + "'") + "; a refresh cannot name another");
        }
    }

    private void revokeSessionAfterReuse(String tenantId, String sessionId, String familyId) {
        try {
            commands.sendAndWait(new RevokeSession(sessionId, tenantId, SessionEndReason.REFRESH_TOKEN_REUSE,
                    new RevocationCause(RevocationCause.REFRESH_TOKEN_REUSE, familyId)));
        } catch (RuntimeException e) {
            // The family is already revoked; the session ends by itself at its deadline. Never hide the refusal.
            LOG.warn("could not revoke session {} after refresh token reuse", sessionId, e);
        }
    }
}
