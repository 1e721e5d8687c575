package dev.tally.token.grant;

import dev.tally.token.protocol.OAuthRequest;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;

/**
 * A token request as a grant sees it, after the protocol's checks: the tenant, the authenticated client, the form
 * parameters, the tenant's issuer URL, and the address the request came from (for throttling password guesses).
 */
public record GrantRequest(TenantView tenant, ClientView client, OAuthRequest parameters, String issuer,
                           String remoteAddress) {
}
