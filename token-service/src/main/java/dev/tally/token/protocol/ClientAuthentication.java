package dev.tally.token.protocol;

import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.client.TokenEndpointAuthMethod;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.platform.logging.RequestLogContext;
import dev.tally.token.clientauth.ClientAssertions;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Authenticates the client at the token, introspection and revocation endpoints by {@code client_secret_basic}
 * (RFC 6749 §2.3.1: the id and secret form-urlencoded, then base64) or {@code client_secret_post}; using both at once
 * is an error. A public client ({@code spa}, {@code native}) authenticates with {@code none}: its {@code client_id}
 * alone. Every failure is the same {@code invalid_client}, so the answer does not tell an attacker which part was
 * wrong. Failures are counted per client and address and per address ({@link ClientAuthThrottle}); an address or a
 * client there that has failed too often waits ({@code 429 slow_down}) before anything it presents is checked.
 *
 * <p>A client registered for {@code private_key_jwt} authenticates with a signed assertion instead
 * ({@code client_assertion_type} = {@value ClientAssertions#JWT_BEARER} and {@code client_assertion}, RFC 7523 §2.2),
 * checked by {@link ClientAssertions}; it is found by the assertion's {@code sub}. Such a client cannot use a secret,
 * and a secret client cannot use an assertion. A refused assertion is an {@code invalid_client} that says which rule
 * failed (the caller can only have built the assertion itself) and counts like a wrong secret.
 */
@Component
public class ClientAuthentication {
    private static final String FAILED = "client authentication failed";
    private final TokenConfig config;
    private final ClientAuthThrottle throttle;
    private final ClientAssertions assertions;
    private final Issuers issuers;

    /** Without assertions: secrets and public clients only (tests of those). */
    public ClientAuthentication(TokenConfig config, ClientAuthThrottle throttle) {
        this(config, throttle, null, null);
    }

    @Autowired
    public ClientAuthentication(TokenConfig config, ClientAuthThrottle throttle, ClientAssertions assertions,
                                Issuers issuers) {
        this.config = config;
        this.throttle = throttle;
        this.assertions = assertions;
        this.issuers = issuers;
    }

    /**
     * The endpoints' entry: {@code endpointPath} is the endpoint's path under the tenant's issuer
     * ({@code /oauth/token}), whose URL, with the issuer, an assertion's {@code aud} may name.
     */
    public ClientView authenticateAt(String tenantId, HttpServletRequest http, OAuthRequest request, String endpointPath) {
        // only an assertion needs them: a secret or a public client must not pay for building the issuer
        Supplier<Set<String>> audiences = () -> {
            if (issuers == null) {
                return Set.of();
            }
            String issuer = issuers.issuer(tenantId, http);
            return Set.of(issuer, issuer + endpointPath);
        };
        return authenticate(tenantId, http.getHeader(HttpHeaders.AUTHORIZATION), request, http.getRemoteAddr(), audiences);
    }

    /** {@code address}: where the request came from ({@code getRemoteAddr()}), for the throttle. */
    public ClientView authenticate(String tenantId, String authorizationHeader, OAuthRequest request, String address) {
        return authenticate(tenantId, authorizationHeader, request, address, Set::of);
    }

    private ClientView authenticate(String tenantId, String authorizationHeader, OAuthRequest request, String address,
                                    Supplier<Set<String>> audiences) {
        ClientView client = decide(tenantId, authorizationHeader, request, address, audiences);
        RequestLogContext.client(client.clientId());
        return client;
    }

    private ClientView decide(String tenantId, String authorizationHeader, OAuthRequest request, String address,
                              Supplier<Set<String>> audiences) {
        Presented presented = presented(authorizationHeader, request);
        Duration wait = throttle.retryAfter(tenantId, presented.clientId(), address);
        if (!wait.isZero()) {
            throw OAuthError.slowDown("too many failed client authentications; retry in "
                    + RetryAfter.seconds(wait) + " s", wait);
        }
        if (presented.refusal() != null) {
            throttle.failed(tenantId, null, address);
            throw OAuthError.invalidClient(presented.refusal());
        }
        ClientView client = config.client(tenantId, presented.clientId()).orElse(null);
        if (presented.assertion() != null) {
            return assertionAuthenticated(tenantId, client, presented.assertion(), address, audiences);
        }
        if (client != null && client.tokenEndpointAuthMethod() == TokenEndpointAuthMethod.PRIVATE_KEY_JWT) {
            // Its keys are how it authenticates; a secret it may have had before is not accepted.
            throttle.failed(tenantId, client.clientId(), address);
            throw OAuthError.invalidClient(FAILED);
        }
        if (client != null && !client.confidential() && presented.secret() == null && !presented.basic()) {
            // A public client (spa, native) has no secret to present: it identifies itself, and PKCE binds its code.
            return client;
        }
        if (client == null || !client.confidential() || !SecretHash.matches(presented.secret(), client.secretHash())) {
            throttle.failed(tenantId, client == null ? null : client.clientId(), address);
            throw OAuthError.invalidClient(FAILED);
        }
        throttle.succeeded(tenantId, client.clientId(), address);
        return client;
    }

    private ClientView assertionAuthenticated(String tenantId, ClientView client, SignedJWT assertion, String address,
                                              Supplier<Set<String>> audiences) {
        if (client == null || assertions == null) {
            throttle.failed(tenantId, null, address);
            throw OAuthError.invalidClient(FAILED);
        }
        try {
            assertions.verify(assertion, client, audiences.get());
        } catch (ClientAssertions.Refused e) {
            throttle.failed(tenantId, client.clientId(), address);
            throw OAuthError.invalidClient(e.getMessage());
        }
        throttle.succeeded(tenantId, client.clientId(), address);
        return client;
    }

    /**
     * What the request presents: a client id and secret, or an assertion and the client it names, or why they cannot
     * be read ({@code refusal}, an {@code invalid_client} the throttle counts). Two methods at once, or two different
     * ids, are a malformed request ({@code invalid_request}, thrown), not a failed authentication.
     */
    private record Presented(String clientId, String secret, boolean basic, String refusal, SignedJWT assertion) {
        Presented(String clientId, String secret, boolean basic, String refusal) {
            this(clientId, secret, basic, refusal, null);
        }

        static Presented refused(String why) {
            return new Presented(null, null, true, why);
        }
    }

    private static Presented presented(String authorizationHeader, OAuthRequest request) {
        boolean basic = authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6);
        String assertionType = request.single("client_assertion_type");
        String assertion = request.single("client_assertion");
        if (assertionType != null || assertion != null) {
            if (basic || request.single("client_secret") != null) {
                throw OAuthError.invalidRequest("use one client authentication method, not a client assertion and a secret");
            }
            return assertionPresented(assertionType, assertion, request.single("client_id"));
        }
        if (!basic) {
            String clientId = request.single("client_id");
            if (clientId == null) {
                return new Presented(null, null, false,
                        "client authentication is required (client_secret_basic or client_secret_post)");
            }
            return new Presented(clientId, request.single("client_secret"), false, null);
        }
        if (request.single("client_secret") != null) {
            throw OAuthError.invalidRequest("use one client authentication method, not both Basic and client_secret");
        }
        String[] pair = decodeBasic(authorizationHeader.substring(6).trim());
        if (pair == null) {
            return Presented.refused("malformed Basic credentials");
        }
        String bodyClientId = request.single("client_id");
        if (bodyClientId != null && !bodyClientId.equals(pair[0])) {
            throw OAuthError.invalidRequest("client_id in the body differs from the authenticated client");
        }
        return new Presented(pair[0], pair[1], true, null);
    }

    private static Presented assertionPresented(String type, String assertion, String bodyClientId) {
        if (!ClientAssertions.JWT_BEARER.equals(type)) {
            return Presented.refused("client_assertion_type must be " + ClientAssertions.JWT_BEARER);
        }
        if (assertion == null) {
            return Presented.refused("client_assertion is missing");
        }
        SignedJWT jwt;
        String subject;
        try {
            jwt = ClientAssertions.parse(assertion);
            subject = ClientAssertions.subject(jwt);
        } catch (ClientAssertions.Refused e) {
            return Presented.refused(e.getMessage());
        }
        if (subject == null) {
            return Presented.refused("client_assertion has no sub");
        }
        if (bodyClientId != null && !bodyClientId.equals(subject)) {
            throw OAuthError.invalidRequest("client_id in the body differs from the client_assertion's sub");
        }
        return new Presented(subject, null, false, null, jwt);
    }

    /**
     * The client a request names, not authenticated: the Basic header's id, or else the body's {@code client_id}; null
     * when neither can be read. For what depends on the client before it is authenticated (the CORS headers).
     */
    public static String namedClientId(String authorizationHeader, String bodyClientId) {
        if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] pair = decodeBasic(authorizationHeader.substring(6).trim());
            return pair == null ? null : pair[0];
        }
        return bodyClientId;
    }

    /** The id and secret of a Basic header, or null when it is not base64 of "id:secret" with valid escapes. */
    private static String[] decodeBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return new String[] {
                    URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
