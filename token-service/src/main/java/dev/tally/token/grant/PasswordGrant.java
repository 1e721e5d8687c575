package dev.tally.token.grant;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.token.audience.Audiences;
import dev.tally.token.issuance.Issued;
import dev.tally.token.issuance.TokenIssuer;
import dev.tally.token.issuance.UserTokens;
import dev.tally.token.issuance.UserTokens.Jtis;
import dev.tally.token.issuance.UserTokens.Login;
import dev.tally.token.login.PasswordLogin;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.OAuthRequest;
import dev.tally.token.protocol.RetryAfter;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ApiView;
import java.time.Clock;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * RFC 6749 §4.3, only for clients that list {@code password} among their grant types: the same check as the login
 * page ({@link PasswordLogin}), throttled the same way; the user authenticates now.
 */
@Component
@Order(4)
public class PasswordGrant implements Grant {
    private final TokenConfig views;
    private final TokenIssuer issuer;
    private final PasswordLogin passwords;
    private final Clock clock;
    private final Audiences audiences;

    public PasswordGrant(TokenConfig views, TokenIssuer issuer, PasswordLogin passwords, Clock clock) {
        this.views = views;
        this.audiences = new Audiences(views);
        this.issuer = issuer;
        this.passwords = passwords;
        this.clock = clock;
    }

    @Override
    public String type() {
        return GrantTypes.PASSWORD;
    }

    @Override
    public Issued issue(GrantRequest request) {
        if (!request.client().confidential()) {
            // Refused for new clients by the management API; a public client registered before that still holds the
            // grant in its history, and must not become an unauthenticated password oracle.
            throw OAuthError.unauthorizedClient("the password grant needs a confidential client");
        }
        OAuthRequest parameters = request.parameters();
        String username = parameters.required("username");
        String password = parameters.required("password");
        String tenantId = request.tenant().tenantId();
        PasswordLogin.Outcome outcome = passwords.attempt(tenantId, username, password, request.remoteAddress());
        if (outcome.throttled()) {
            throw OAuthError.slowDown("too many failed attempts; retry in " + RetryAfter.seconds(outcome.retryAfter()) + " s",
                    outcome.retryAfter());
        }
        if (!outcome.succeeded()) {
            throw OAuthError.invalidGrant("wrong username or password");
        }
        // audience or resource (RFC 8707), else the tenant's default_audience; none: a token for the userinfo endpoint only
        String audience = audiences.requested(tenantId, parameters).orElse(null);
        ApiView api = audience == null ? null : views.api(tenantId, audience)
                .orElseThrow(() -> OAuthError.invalidTarget("no API with identifier '" + audience + "' in this tenant"));
        Scope scope = ApiScopes.granted(api, parameters.scope(), ApiScopes.USER_SCOPES);
        return issuer.userTokens(new UserTokens(request.tenant(), request.client(), outcome.user(), api, scope, type(),
                request.issuer(), new Login(null, clock.instant(), null), Jtis.fresh(), null));
    }
}
