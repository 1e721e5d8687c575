package dev.tally.token.grant;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.code.CodeCommands;
import dev.tally.kernel.code.CodeCommands.RedeemAuthorizationCode;
import dev.tally.kernel.code.CodeRedemption;
import dev.tally.platform.axon.ConcurrentAppend;
import dev.tally.platform.axon.StoreFailure;
import dev.tally.token.audience.Audiences;
import dev.tally.token.issuance.Issued;
import dev.tally.token.issuance.TokenIssuer;
import dev.tally.token.issuance.UserTokens;
import dev.tally.token.issuance.UserTokens.Jtis;
import dev.tally.token.issuance.UserTokens.Login;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.OAuthRequest;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.UserView;
import dev.tally.token.view.Users;
import java.util.List;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * RFC 6749 §4.1.3 with RFC 7636: the code's aggregate checks client, redirect URI, verifier, expiry and single use.
 * The tokens' ids are chosen before the redemption, so a code used twice can name what its first use issued. The API is
 * the one the authorization request named; an {@code audience} or {@code resource} sent here too must name the same
 * one ({@code invalid_target} otherwise). That is known only once the code is redeemed, so such a refusal spends the
 * code (no token was issued with it).
 */
@Component
@Order(2)
public class AuthorizationCodeGrant implements Grant {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCodeGrant.class);

    private final TokenConfig views;
    private final Users users;
    private final TokenIssuer issuer;
    private final CommandGateway commands;

    public AuthorizationCodeGrant(TokenConfig views, TokenIssuer issuer, CommandGateway commands, Users users) {
        this.views = views;
        this.users = users;
        this.issuer = issuer;
        this.commands = commands;
    }

    @Override
    public String type() {
        return GrantTypes.AUTHORIZATION_CODE;
    }

    @Override
    public Issued issue(GrantRequest request) {
        OAuthRequest parameters = request.parameters();
        ClientView client = request.client();
        String code = parameters.required("code");
        String redirectUri = parameters.required("redirect_uri");
        String verifier = parameters.single("code_verifier");
        if (!client.confidential() && verifier == null) {
            throw OAuthError.invalidRequest("code_verifier is required for public clients (PKCE)");
        }
        String tenantId = request.tenant().tenantId();
        Optional<String> named = Audiences.named(parameters);
        Jtis jtis = Jtis.fresh();
        CodeRedemption redemption;
        try {
            redemption = commands.sendAndWait(new RedeemAuthorizationCode(CodeCommands.codeId(code), tenantId,
                    client.clientId(), redirectUri, verifier, List.of(jtis.access(), jtis.id())));
        } catch (AggregateNotFoundException unknown) {
            throw OAuthError.invalidGrant("unknown authorization code");
        } catch (RuntimeException e) {
            if (ConcurrentAppend.causedBy(e)) {
                throw OAuthError.invalidGrant("the code was already used");
            }
            if (StoreFailure.causedBy(e)) {
                LOG.warn("authorization code could not be redeemed; nothing was decided", e);
                throw OAuthError.temporarilyUnavailable("the token store is unavailable; retry shortly");
            }
            throw e;
        }
        if (redemption == null || !redemption.redeemed()) {
            throw OAuthError.invalidGrant(redemption == null ? "the code was refused" : redemption.failure());
        }
        if (named.isPresent() && !named.get().equals(redemption.audience())) {
            throw OAuthError.invalidTarget("the code was issued for " + (redemption.audience() == null
                    ? "no API" : "API '" + redemption.audience() + "'") + ", not the one this request names");
        }
        UserView user = users.user(tenantId, redemption.userId())
                .orElseThrow(() -> OAuthError.invalidGrant("the user no longer exists"));
        ApiView api = redemption.audience() == null ? null : views.api(tenantId, redemption.audience())
                .orElseThrow(() -> OAuthError.invalidGrant("the API of this code no longer exists"));
        return issuer.userTokens(new UserTokens(request.tenant(), client, user, api, Scope.parse(redemption.scope()),
                type(), request.issuer(), new Login(redemption.sessionId(), redemption.authTime(), redemption.nonce()),
                jtis, null));
    }
}
