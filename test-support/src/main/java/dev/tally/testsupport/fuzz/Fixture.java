package dev.tally.testsupport.fuzz;

import java.util.List;
import java.util.Map;

/**
 * What a run aims at and what it must leave alone, all made through the real API before the run.
 *
 * <p>Targets: tenant {@code tenant} with an API, a confidential client, two public clients (a browser app and a native
 * app, which may not have the password grant: the generator still asks it for one), a management client, a user with a login session, tokens of every kind, fresh
 * authorization codes, login forms waiting for a password. The generator names them in its requests, valid ones
 * included, so a run may change them. Spares ({@code spare*}) exist to be deleted.
 *
 * <p>{@link Witnesses}: a client, an API, a user and their tokens in the same tenant, and a second tenant with its own
 * client and token. No request of the run can change them: their secrets and tokens are never sent, and their ids
 * appear only in reads (and, for the other tenant's, under the target tenant's paths, where a tenancy bug would show).
 * After the run each must be exactly as before and still work.
 */
public record Fixture(String adminToken, String tenant, String spareTenant, String api, String apiIdentifier,
                      String spareApi, Client confidential, Client spa, Client nativeApp, Client management,
                      Client spareClient, User user, User spareUser, String rule, String spareRule, String callback,
                      String logoutUrl, Tokens tokens, List<LoginForm> loginForms, Witnesses witnesses) {

    public record Client(String id, String secret) {
    }

    public record User(String id, String username, String password) {
    }

    /** A login form waiting for the password: its hidden fields and the cookie that binds it to the browser. */
    public record LoginForm(String requestId, String csrf, String binding) {
    }

    /** A code the target user's login session gave, with the PKCE verifier that redeems it. */
    public record Code(String code, String verifier) {
    }

    /** The target tokens (issued to the target clients for the target user or the clients themselves). */
    public record Tokens(List<String> accessTokens, List<String> refreshTokens, List<String> idTokens, List<Code> codes,
                         String managementToken, String sessionCookie, List<String> sessionIds,
                         List<String> familyIds) {
    }

    /**
     * What must come through the run unchanged: the representations read before the run (path to JSON), the
     * credentials to try after it, and the ids that reads may name.
     */
    public record Witnesses(String tenant, Map<String, String> representations, String api, String apiIdentifier,
                            Client client, User user, String accessToken, String userAccessToken,
                            String userRefreshToken, String familyId, Client otherTenantClient, String otherTenantApi,
                            String otherTenantApiIdentifier, String otherTenantAccessToken) {
    }
}
