package dev.tally.token.lifetime;

import dev.tally.kernel.lifetime.LifetimeContext;
import dev.tally.kernel.lifetime.LifetimeDecision;
import dev.tally.kernel.lifetime.LifetimeDecisions;
import dev.tally.kernel.lifetime.LifetimeEngine;
import dev.tally.kernel.lifetime.TokenRequest;
import dev.tally.kernel.lifetime.TokenType;
import dev.tally.token.config.TokenConfigState.ApiView;
import dev.tally.token.config.TokenConfigState.ClientView;
import dev.tally.token.config.TokenConfigState.TenantView;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Asks the lifetime engine about a token from the token service's views. The token endpoint and the explain
 * endpoint both come through here, so what {@code explain} shows is what a token gets.
 */
@Component
public class TokenLifetimes {
    private final LifetimeEngine engine;

    public TokenLifetimes(LifetimeEngine engine) {
        this.engine = engine;
    }

    /** The access token's lifetime only: evaluates just the rules that can set it. */
    public LifetimeDecision accessToken(TenantView tenant, ClientView client, ApiView api, String grantType,
                                        List<String> scopes, boolean browserFlow) {
        return engine.decide(context(tenant, client, api, grantType, scopes, browserFlow), TokenType.ACCESS_TOKEN);
    }

    /** Every lifetime at once, as {@code explain} shows them. */
    public LifetimeDecisions all(TenantView tenant, ClientView client, ApiView api, String grantType, List<String> scopes,
                                 boolean browserFlow, String userinfoAudience) {
        if (api == null) {
            LifetimeContext context = LifetimeContext.builder(tenant.lifetimes(), client.profile(),
                    TokenRequest.forUserinfo(grantType, userinfoAudience, scopes, browserFlow)).rules(tenant.rules()).build();
            return engine.decide(context);
        }
        return engine.decide(context(tenant, client, api, grantType, scopes, browserFlow));
    }

    private static LifetimeContext context(TenantView tenant, ClientView client, ApiView api, String grantType,
                                           List<String> scopes, boolean browserFlow) {
        return LifetimeContext.builder(tenant.lifetimes(), client.profile(),
                        TokenRequest.forApi(grantType, api.identifier(), scopes, browserFlow))
                .api(api.lifetime())
                .rules(tenant.rules())
                .build();
    }
}
