package dev.tally.token.grant;

import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfigState.ApiView;
import java.util.Set;

/** Which requested scope a grant may give: what the API defines, plus what the grant itself allows. */
final class ApiScopes {
    /** The OpenID Connect scopes a user's grant may ask for besides the API's. */
    static final Set<String> USER_SCOPES = Set.of("openid", "profile", "email", Scope.OFFLINE_ACCESS);

    private ApiScopes() {
    }

    /**
     * The requested scope when every part of it is defined by the API (or in {@code alsoAllowed}); none requested
     * means no scope at all.
     *
     * @throws OAuthError {@code invalid_scope} naming the first scope that is not
     */
    static Scope granted(ApiView api, Scope requested, Set<String> alsoAllowed) {
        for (String s : requested.values()) {
            if (!alsoAllowed.contains(s) && (api == null || !api.scopes().contains(s))) {
                throw OAuthError.invalidScope("scope '" + s + "' is not defined" + (api == null ? "" : " by API " + api.identifier()));
            }
        }
        return requested;
    }
}
