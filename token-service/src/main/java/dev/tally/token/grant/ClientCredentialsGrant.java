package dev.tally.token.grant;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.token.audience.Audiences;
import dev.tally.token.issuance.Issued;
import dev.tally.token.issuance.TokenIssuer;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.util.List;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * RFC 6749 §4.4: a client's own token for one API, named by {@code audience} or {@code resource} (RFC 8707), else the
 * tenant's {@code default_audience} ({@link Audiences}); or, for the audience {@code urn:tally:management}, a
 * management token for the client's own tenant.
 */
@Component
@Order(1)
public class ClientCredentialsGrant implements Grant {
    private final TokenConfig views;
    private final TokenIssuer issuer;
    private final Audiences audiences;

    public ClientCredentialsGrant(TokenConfig views, TokenIssuer issuer) {
        this.views = views;
        this.issuer = issuer;
        this.audiences = new Audiences(views);
    }

    @Override
    public String type() {
        return GrantTypes.CLIENT_CREDENTIALS;
    }

    @Override
    public Issued issue(GrantRequest request) {
        String audience = audiences.requested(request.tenant().tenantId(), request.parameters()).orElseThrow(() ->
                OAuthError.invalidRequest("parameter 'audience' is required: the identifier of the API the token is for "
                        + "(or name it with resource, or set the tenant's default_audience)"));
        if (audience.equals(ManagementScopes.AUDIENCE)) {
            return managementToken(request);
        }
        ApiView api = views.api(request.tenant().tenantId(), audience)
                .orElseThrow(() -> OAuthError.invalidTarget("no API with identifier '" + audience + "' in this tenant"));
        Scope scope = ApiScopes.granted(api, request.parameters().scope(), Set.of());
        return issuer.machineToken(request.tenant(), request.client(), api, scope, request.issuer());
    }

    /**
     * A client the platform administrator granted no management scopes gets {@code invalid_target} (RFC 8707 §2: the
     * resource is not acceptable for this client); it may well use client credentials, so it is not
     * {@code unauthorized_client}, which RFC 6749 §5.2 keeps for grant types. The scope is what was asked for, all of
     * it granted, or all that is granted when nothing was asked for.
     */
    private Issued managementToken(GrantRequest request) {
        ClientView client = request.client();
        List<String> granted = client.managementScopes();
        if (granted.isEmpty()) {
            throw OAuthError.invalidTarget("this client is not granted management of its tenant (" + ManagementScopes.AUDIENCE + ")");
        }
        Scope requested = request.parameters().scope();
        for (String s : requested.values()) {
            if (!granted.contains(s)) {
                throw OAuthError.invalidScope("scope '" + s + "' is not granted to this client; granted: " + String.join(" ", granted));
            }
        }
        Scope scope = requested.isEmpty() ? Scope.of(granted) : requested;
        return issuer.managementToken(request.tenant(), client, scope, request.issuer());
    }
}
