package dev.tally.token.lifetime;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.lifetime.LifetimeContext;
import dev.tally.kernel.lifetime.LifetimeDecision;
import dev.tally.kernel.lifetime.LifetimeDecisions;
import dev.tally.kernel.lifetime.LifetimeEngine;
import dev.tally.kernel.lifetime.TokenRequest;
import dev.tally.kernel.lifetime.TokenType;
import dev.tally.kernel.lifetime.UserProfile;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Asks the lifetime engine about a token from the token service's views. The issuer and the explain endpoint both
 * come through here, so what {@code explain} shows is what a token gets. The instant of issue is the caller's.
 */
@Component
public class TokenLifetimes {
    private final LifetimeEngine engine;

    public TokenLifetimes(LifetimeEngine engine) {
        this.engine = engine;
    }

    /** The access token's lifetime only (machine-to-machine: no user): evaluates just the rules that can set it. */
    public LifetimeDecision accessToken(TenantView tenant, ClientView client, ApiView api, String grantType,
                                        List<String> scopes, boolean browserFlow, Instant issuedAt) {
        return engine.decide(context(tenant, client, api, grantType, scopes, browserFlow, null, null),
                TokenType.ACCESS_TOKEN, issuedAt);
    }

    /**
     * A tenant's management token (audience {@code urn:tally:management}): no API's settings apply, so the engine
     * starts from the tenant's {@code default_token_lifetime}, as for a token that is good for userinfo only; the
     * tenant's rules apply (they see {@code request.audience == "urn:tally:management"}) and
     * {@code max_token_lifetime} bounds the result.
     */
    public LifetimeDecision managementToken(TenantView tenant, ClientView client, List<String> scopes, Instant issuedAt) {
        LifetimeContext context = LifetimeContext.builder(tenant.lifetimes(), client.profile(),
                TokenRequest.forUserinfo(GrantTypes.CLIENT_CREDENTIALS, ManagementScopes.AUDIENCE, scopes, false))
                .rules(tenant.rules()).build();
        return engine.decide(context, TokenType.ACCESS_TOKEN, issuedAt);
    }

    /**
     * Every lifetime at once, as {@code explain} shows them and as a user's tokens and session need them.
     *
     * @param api {@code null} when the access token is for the userinfo endpoint only
     * @param user {@code null} for a machine-to-machine token
     */
    public LifetimeDecisions all(TenantView tenant, ClientView client, ApiView api, String grantType, List<String> scopes,
                                 boolean browserFlow, String userinfoAudience, UserProfile user, Instant issuedAt) {
        return engine.decide(context(tenant, client, api, grantType, scopes, browserFlow, userinfoAudience, user),
                issuedAt);
    }

    private static LifetimeContext context(TenantView tenant, ClientView client, ApiView api, String grantType,
                                           List<String> scopes, boolean browserFlow, String userinfoAudience, UserProfile user) {
        TokenRequest request = api == null ? TokenRequest.forUserinfo(grantType, userinfoAudience, scopes, browserFlow)
                : TokenRequest.forApi(grantType, api.identifier(), scopes, browserFlow);
        LifetimeContext.Builder b = LifetimeContext.builder(tenant.lifetimes(), client.profile(), request).rules(tenant.rules());
        if (api != null) {
            b.api(api.lifetime());
        }
        if (user != null) {
            b.user(user);
        }
        return b.build();
    }
}
