package dev.tally.token.issuance;

import dev.tally.kernel.crypto.TimeOrderedIds;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import dev.tally.token.view.TokenConfigState.UserView;
import java.time.Instant;

/**
 * A user's tokens as a grant asks the issuer for them (authorization code, password, refresh token).
 *
 * @param api       {@code null} when the access token is for the userinfo endpoint only
 * @param scope     what the grant allows; {@code offline_access} is dropped if it cannot be honoured
 * @param issuer    the tenant's issuer URL
 * @param login     the login the tokens are issued in
 * @param jtis      the tokens' ids, chosen before the grant's command when the aggregate must know them
 * @param refresh   the refresh token a refresh returns (its family's successor or the same token), or {@code null}
 *                  to start a family when offline access is granted
 */
public record UserTokens(TenantView tenant, ClientView client, UserView user, ApiView api, Scope scope, String grantType,
                         String issuer, Login login, Jtis jtis, String refresh) {

    /**
     * The login the tokens belong to.
     *
     * @param sessionId the login session ({@code sid}), or {@code null} (password and refresh grants have none of
     *                  their own)
     * @param authTime  when the user authenticated ({@code auth_time}), or {@code null}
     * @param nonce     the authorization request's nonce, or {@code null}
     */
    public record Login(String sessionId, Instant authTime, String nonce) {
        public static final Login NONE = new Login(null, null, null);
    }

    /** The access and ID tokens' {@code jti}s. */
    public record Jtis(String access, String id) {
        public static Jtis fresh() {
            return new Jtis(TimeOrderedIds.next(), TimeOrderedIds.next());
        }
    }
}
