package dev.tally.token.endpoint;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.lifetime.LifetimeDecision;
import dev.tally.kernel.lifetime.LifetimeDecisions;
import dev.tally.kernel.lifetime.trace.TraceStep;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.platform.problem.ManagementApi;
import dev.tally.token.lifetime.TokenLifetimes;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import dev.tally.token.view.TokenConfigState.UserView;
import dev.tally.token.view.Users;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /admin/tenants/{tenant}/lifetimes/explain}: how long each token would live for this client, audience
 * and grant right now, and which setting or rule decided it, step by step. It asks the same engine, with the same
 * views, as the token endpoint, so the answer is what a token issued now gets; the issuance event of every token
 * records the same trace.
 */
@RestController
@ManagementApi
public class ExplainEndpoint {
    private final TokenConfig config;
    private final Users users;
    private final TokenLifetimes lifetimes;
    private final Issuers issuers;
    private final Clock clock;

    public ExplainEndpoint(TokenConfig config, TokenLifetimes lifetimes, Issuers issuers, Clock clock, Users users) {
        this.config = config;
        this.users = users;
        this.lifetimes = lifetimes;
        this.issuers = issuers;
        this.clock = clock;
    }

    public record Decision(long lifetime, Instant expiresAt, String decidedBy, List<TraceStep> trace) {
        static Decision of(LifetimeDecision d) {
            return new Decision(d.lifetimeSeconds(), d.expiresAt(), d.decidedBy(), d.trace());
        }
    }

    public record Explanation(String tenant, String clientId, String userId, String audience, String grantType, List<String> scopes,
                              boolean browserFlow, Instant issuedAt, Decision accessToken, Decision idToken,
                              Decision refreshToken, Decision sessionIdleTimeout, Decision sessionAbsoluteTimeout) {
    }

    @GetMapping("/admin/tenants/{tenant}/lifetimes/explain")
    public Explanation explain(@PathVariable String tenant,
                               @RequestParam(name = "client_id", required = false) String clientId,
                               @RequestParam(name = "audience", required = false) String audience,
                               @RequestParam(name = "grant_type", defaultValue = GrantTypes.CLIENT_CREDENTIALS) String grantType,
                               @RequestParam(name = "user_id", required = false) String userId,
                               @RequestParam(name = "scope", required = false) String scope,
                               @RequestParam(name = "browser_flow", defaultValue = "false") boolean browserFlow,
                               HttpServletRequest request) {
        TenantView t = config.tenant(tenant).orElseThrow(() -> new NotFound("tenant '" + tenant + "' does not exist"));
        if (clientId == null || clientId.isBlank()) {
            throw new InvalidInput("client_id", "is required: the client whose tokens to explain");
        }
        ClientView client = config.client(tenant, clientId)
                .orElseThrow(() -> new NotFound("no client '" + clientId + "' in tenant '" + tenant + "'"));
        if (!GrantTypes.isKnown(grantType)) {
            throw new InvalidInput("grant_type", "unknown grant type '" + grantType + "'");
        }
        UserView user = null;
        if (userId != null) {
            user = users.user(tenant, userId).orElseThrow(() -> new NotFound("no user '" + userId + "' in tenant '" + tenant + "'"));
        }
        ApiView api = null;
        if (audience != null) {
            api = config.api(tenant, audience)
                    .orElseThrow(() -> new InvalidInput("audience", "no API with identifier '" + audience + "' in this tenant"));
        }
        List<String> scopes = scope == null || scope.isBlank() ? List.of() : List.of(scope.trim().split(" +"));
        String userinfo = issuers.issuer(tenant, request) + "/userinfo";
        LifetimeDecisions d = lifetimes.all(t, client, api, grantType, scopes, browserFlow, userinfo,
                user == null ? null : user.profile(), clock.instant());
        return new Explanation(tenant, clientId, userId, api == null ? userinfo : api.identifier(), grantType, scopes,
                browserFlow || client.profile().appType() == dev.tally.kernel.client.AppType.SPA, d.issuedAt(),
                Decision.of(d.accessToken()), Decision.of(d.idToken()), Decision.of(d.refreshToken()),
                Decision.of(d.sessionIdleTimeout()), Decision.of(d.sessionAbsoluteTimeout()));
    }
}
