package dev.tally.token.login;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.code.CodeCommands;
import dev.tally.kernel.code.CodeCommands.IssueAuthorizationCode;
import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.lifetime.LifetimeDecisions;
import dev.tally.kernel.session.SessionCommands;
import dev.tally.kernel.session.SessionCommands.StartSession;
import dev.tally.kernel.session.SessionCommands.UseSession;
import dev.tally.kernel.session.SessionUse;
import dev.tally.platform.logging.RequestLogContext;
import dev.tally.token.audience.Audiences;
import dev.tally.token.lifetime.TokenLifetimes;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.settings.SessionActivityProperties;
import dev.tally.token.view.LoginSessions;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import dev.tally.token.view.TokenConfigState.UserView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.stereotype.Component;

/**
 * What the authorize, login and logout endpoints share: validating an authorization request, asking a login
 * session whether it is alive (the session aggregate decides, from its own state), starting sessions, and issuing
 * codes.
 */
@Component
public class Authorizations {
    /** Authorization codes live 60 seconds (RFC 6749 §4.1.2 recommends at most ten minutes). */
    static final long CODE_LIFETIME_SECONDS = 60;
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "email", "offline_access");
    private static final Set<String> PROMPTS = Set.of("none", "login", "consent", "select_account");
    /**
     * The longest {@code state} (bytes of UTF-8) that is sent back in a redirect. The redirect's {@code Location} must fit
     * the container's response headers (8 KB): a longer one could not be written, and the browser got a 500 (found by the
     * fuzz harness, with a state of 10,000 characters).
     */
    public static final int MAX_STATE_BYTES = 1024;
    /** An error redirect's description may quote what the request named (a scope, an audience): at most this much. */
    static final int MAX_ERROR_DESCRIPTION = 200;

    private final TokenConfig config;
    private final Audiences audiences;

    private final LoginSessions sessions;
    private final CommandGateway commands;
    private final TokenLifetimes lifetimes;
    private final Clock clock;
    private final long activityIntervalSeconds;

    public Authorizations(TokenConfig config, CommandGateway commands, TokenLifetimes lifetimes, Clock clock,
                          SessionActivityProperties activity, LoginSessions sessions) {
        this.config = config;
        this.audiences = new Audiences(config);
        this.sessions = sessions;
        this.commands = commands;
        this.lifetimes = lifetimes;
        this.clock = clock;
        this.activityIntervalSeconds = activity.activityInterval().toSeconds();
    }

    /** The client, if the request names one of this tenant; errors about it are never redirected. */
    public Optional<ClientView> client(String tenantId, String clientId) {
        Optional<ClientView> client = clientId == null ? Optional.empty() : config.client(tenantId, clientId);
        client.ifPresent(c -> RequestLogContext.client(c.clientId()));
        return client;
    }

    /** {@link #validate(String, ClientView, String, Map, List)} with the {@code resource} parameter as {@code p} holds it. */
    public AuthorizationRequest validate(String tenantId, ClientView client, String redirectUri, Map<String, String> p) {
        return validate(tenantId, client, redirectUri, p, p.get("resource") == null ? List.of() : List.of(p.get("resource")));
    }

    /**
     * Validates the rest of the request (RFC 6749 §4.1.1, RFC 7636, OIDC Core §3.1.2.1) once client and redirect URI are.
     * The API is named by {@code audience} or {@code resource} (RFC 8707, every value of it in {@code resources}), else
     * it is the tenant's {@code default_audience}; the code carries it to the token request.
     */
    public AuthorizationRequest validate(String tenantId, ClientView client, String redirectUri, Map<String, String> p,
                                         List<String> resources) {
        String responseType = p.get("response_type");
        if (responseType == null) {
            throw new AuthorizationFailure("invalid_request", "response_type is required");
        }
        if (!responseType.equals("code")) {
            throw new AuthorizationFailure("unsupported_response_type", "only response_type=code is supported");
        }
        if (!client.grantTypes().contains(GrantTypes.AUTHORIZATION_CODE)) {
            throw new AuthorizationFailure("unauthorized_client", "this client may not use the authorization code flow");
        }
        String challenge = p.get("code_challenge");
        String method = p.get("code_challenge_method");
        if (challenge == null && !client.confidential()) {
            throw new AuthorizationFailure("invalid_request", "code_challenge (PKCE, S256) is required for public clients");
        }
        if (challenge != null && !"S256".equals(method)) {
            throw new AuthorizationFailure("invalid_request", "code_challenge_method must be S256");
        }
        if (challenge != null && !challenge.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw new AuthorizationFailure("invalid_request", "code_challenge must be 43-128 characters of base64url");
        }
        String audience;
        try {
            audience = audiences.requested(tenantId, p.get("audience"), resources).orElse(null);
        } catch (OAuthError e) {
            throw new AuthorizationFailure(e.error(), e.getMessage());
        }
        ApiView api = null;
        if (audience != null) {
            // RFC 8707 §2: a resource (or audience) that names nothing this tenant serves
            api = config.api(tenantId, audience)
                    .orElseThrow(() -> new AuthorizationFailure("invalid_target", "no API with identifier '" + audience + "'"));
        }
        List<String> scopes = p.get("scope") == null ? List.of() : List.copyOf(new LinkedHashSet<>(List.of(p.get("scope").trim().split(" +"))));
        for (String s : scopes) {
            if (!OIDC_SCOPES.contains(s) && (api == null || !api.scopes().contains(s))) {
                throw new AuthorizationFailure("invalid_scope", "scope '" + s + "' is not defined"
                        + (api == null ? " (name an audience to request an API's scopes)" : " by API " + api.identifier()));
            }
        }
        // a value named twice (prompt=login login) counts once: Set.copyOf keeps one, where Set.of threw
        Set<String> prompt = p.get("prompt") == null ? Set.of() : Set.copyOf(List.of(p.get("prompt").trim().split(" +")));
        if (!PROMPTS.containsAll(prompt) || (prompt.contains("none") && prompt.size() > 1)) {
            throw new AuthorizationFailure("invalid_request", "prompt must be none, or any of login, consent, select_account");
        }
        Long maxAge = null;
        if (p.get("max_age") != null) {
            try {
                maxAge = Long.parseLong(p.get("max_age"));
            } catch (NumberFormatException e) {
                maxAge = -1L;
            }
            if (maxAge < 0) {
                throw new AuthorizationFailure("invalid_request", "max_age must be a non-negative number of seconds");
            }
        }
        return new AuthorizationRequest(client.clientId(), redirectUri, scopes, p.get("state"), p.get("nonce"), challenge,
                prompt, maxAge, audience);
    }

    /**
     * Asks the session behind this cookie whether it is alive, as an authenticated use (it slides the idle
     * deadline). Empty if there is no such session or it has ended.
     */
    public Optional<SessionUse> useSession(String tenantId, String clientId, String cookieValue) {
        if (cookieValue == null) {
            return Optional.empty();
        }
        return sessions.byCookie(tenantId, cookieValue).flatMap(view -> {
            try {
                SessionUse use = commands.sendAndWait(new UseSession(view.sessionId(), tenantId, clientId, activityIntervalSeconds));
                return use != null && use.alive() ? Optional.of(use) : Optional.empty();
            } catch (AggregateNotFoundException gone) {
                return Optional.empty();
            }
        });
    }

    /** True if an authentication at {@code authTime} is recent enough for the request's {@code max_age}. */
    public boolean freshEnough(AuthorizationRequest request, Instant authTime) {
        return request.maxAge() == null || !authTime.plusSeconds(request.maxAge()).isBefore(clock.instant());
    }

    /** Starts a login session for the user with the timeouts the engine decides; answers the cookie value. */
    public StartedSession startSession(TenantView tenant, ClientView client, UserView user, String userinfoAudience) {
        LifetimeDecisions d = lifetimes.all(tenant, client, null, GrantTypes.AUTHORIZATION_CODE, List.of(), true,
                userinfoAudience, user.profile(), clock.instant());
        String cookie = RandomTokens.urlSafe(32);
        String sessionId = SessionCommands.sessionIdFor(cookie);
        commands.sendAndWait(new StartSession(sessionId, tenant.tenantId(), user.userId(), client.clientId(),
                SecretHash.of(cookie), d.sessionIdleTimeout().lifetimeSeconds(), d.sessionAbsoluteTimeout().lifetimeSeconds()));
        return new StartedSession(sessionId, cookie, clock.instant());
    }

    public record StartedSession(String sessionId, String cookieValue, Instant authTime) {
    }

    /** Issues a single-use code for the request and answers the redirect that carries it. */
    public String issueCode(String tenantId, String issuer, AuthorizationRequest request, String userId, String sessionId,
                            Instant authTime) {
        String code = RandomTokens.urlSafe(32);
        commands.sendAndWait(new IssueAuthorizationCode(CodeCommands.codeId(code), tenantId, request.clientId(), userId,
                sessionId, request.redirectUri(), request.codeChallenge(), request.scope(), request.audience(),
                request.nonce(), authTime, CODE_LIFETIME_SECONDS));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        params.put("state", request.state());
        params.put("iss", issuer);
        return redirect(request.redirectUri(), params);
    }

    /** Whether {@code state} is too long to be sent back in a redirect ({@link #MAX_STATE_BYTES}). */
    public static boolean stateTooLong(String state) {
        return state != null && state.getBytes(StandardCharsets.UTF_8).length > MAX_STATE_BYTES;
    }

    /**
     * The client's redirect URI with an error (RFC 6749 §4.1.2.1) and the request's state; the description is cut to
     * {@link #MAX_ERROR_DESCRIPTION} characters, so a long scope or audience it quotes cannot overflow the redirect.
     */
    public static String errorRedirect(String redirectUri, String error, String description, String state, String issuer) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description.length() <= MAX_ERROR_DESCRIPTION ? description
                : description.substring(0, MAX_ERROR_DESCRIPTION - 3) + "...");
        params.put("state", state);
        params.put("iss", issuer);
        return redirect(redirectUri, params);
    }

    static String redirect(String base, Map<String, String> params) {
        StringBuilder url = new StringBuilder(base);
        char sep = base.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            url.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return url.toString();
    }
}
