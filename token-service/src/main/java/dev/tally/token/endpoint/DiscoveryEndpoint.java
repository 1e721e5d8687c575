package dev.tally.token.endpoint;

import dev.tally.kernel.tenant.JwksCaching;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.token.grant.Grants;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.protocol.OAuthEndpoint;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The tenant's issuer metadata (OpenID Connect Discovery, RFC 8414) and its public keys (RFC 7517). */
@RestController
@OAuthEndpoint
public class DiscoveryEndpoint {
    private final TokenConfig config;
    private final Issuers issuers;
    private final Grants grants;

    public DiscoveryEndpoint(TokenConfig config, Issuers issuers, Grants grants) {
        this.config = config;
        this.issuers = issuers;
        this.grants = grants;
    }

    @GetMapping({"/t/{tenant}/.well-known/openid-configuration", "/t/{tenant}/.well-known/oauth-authorization-server"})
    public ResponseEntity<Map<String, Object>> metadata(@PathVariable String tenant, HttpServletRequest request) {
        TenantView t = tenant(tenant);
        String issuer = issuers.issuer(tenant, request);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("authorization_endpoint", issuer + "/authorize");
        m.put("token_endpoint", issuer + "/oauth/token");
        m.put("userinfo_endpoint", issuer + "/userinfo");
        m.put("end_session_endpoint", issuer + "/logout");
        m.put("jwks_uri", issuer + "/.well-known/jwks.json");
        m.put("grant_types_supported", grants.types());
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        // RFC 7662 and RFC 7009 (RFC 8414 §2): a public client cannot introspect, but may revoke its own tokens.
        m.put("introspection_endpoint", issuer + "/oauth/introspect");
        m.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        m.put("revocation_endpoint", issuer + "/oauth/revoke");
        m.put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        m.put("scopes_supported", List.of("openid", "profile", "offline_access"));
        m.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "at_hash",
                "preferred_username", "name"));
        m.put("prompt_values_supported", List.of("none", "login"));
        m.put("subject_types_supported", List.of("public"));
        // every tenant holds a key per algorithm; RS256 first, the default OpenID Connect requires (Core §15.1)
        m.put("id_token_signing_alg_values_supported", List.of(SigningAlgorithm.RS256.name(), SigningAlgorithm.ES256.name()));
        m.put("authorization_response_iss_parameter_supported", true);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.maxAge(JwksCaching.MAX_AGE).cachePublic()).body(m);
    }

    @GetMapping("/t/{tenant}/.well-known/jwks.json")
    public ResponseEntity<Map<String, Object>> jwks(@PathVariable String tenant) {
        TenantView t = tenant(tenant);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.maxAge(JwksCaching.MAX_AGE).cachePublic())
                .body(t.jwks().toJSONObject(true));
    }

    private TenantView tenant(String tenantId) {
        TenantView t = config.tenant(tenantId).orElseThrow(() -> OAuthError.notFound("no tenant '" + tenantId + "'"));
        if (t.signingKey() == null) {
            throw OAuthError.notFound("no tenant '" + tenantId + "'");
        }
        return t;
    }
}
