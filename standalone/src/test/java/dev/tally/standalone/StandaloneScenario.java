package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.security.Key;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The steps of the end-to-end scenario, shared by the H2 and PostgreSQL runs of the standalone server. */
final class StandaloneScenario {
    private StandaloneScenario() {
    }

    record Client(String id, String secret) {
    }

    static void createTenant(TestHttp http, String id, String alg) {
        Map<String, String> body = alg == null ? Map.of("id", id, "name", id) : Map.of("id", id, "name", id, "signing_alg", alg);
        Response r = http.admin("POST", "/admin/tenants", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    static void createApi(TestHttp http, String tenant, String identifier, long lifetime) {
        Response r = http.admin("POST", "/admin/tenants/" + tenant + "/apis",
                Map.of("identifier", identifier, "name", "Orders", "token_lifetime", lifetime, "scopes", List.of("read:orders")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    static Client createMachineClient(TestHttp http, String tenant) {
        return createMachineClient(http, tenant, Map.of("tier", "gold"));
    }

    static Client createMachineClient(TestHttp http, String tenant, Map<String, String> metadata) {
        Response r = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "billing",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials"), "client_metadata", metadata));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new Client(r.text("client_id"), r.text("client_secret"));
    }

    static Response token(TestHttp http, String tenant, Client client, String audience) {
        return http.form("/t/" + tenant + "/oauth/token",
                TestHttp.params("grant_type", "client_credentials", "audience", audience), client.id(), client.secret());
    }

    static JWKSet jwks(TestHttp http, String tenant) throws Exception {
        Response r = http.get("/t/" + tenant + "/.well-known/jwks.json");
        assertThat(r.status()).isEqualTo(200);
        JWKSet set = JWKSet.parse(r.body());
        assertThat(set.getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
        return set;
    }

    /**
     * Verifies signature, {@code typ}, issuer and audience the way a resource server would, with Nimbus's processor
     * and claims verifier; returns the claims.
     */
    static JWTClaimsSet verify(String token, JWKSet jwks, String issuer, String audience) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier((type, context) -> {
            if (!new JOSEObjectType("at+jwt").equals(type)) {
                throw new BadJWTException("typ is " + type + ", not at+jwt");
            }
        });
        var alg = SignedJWT.parse(token).getHeader().getAlgorithm();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(jwks)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "iat", "exp", "jti", "client_id")));
        return processor.process(token, null);
    }

    /** True if the token's signature verifies with any key of the set. */
    static boolean signatureVerifiesWith(String token, JWKSet jwks) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        for (JWK jwk : jwks.getKeys()) {
            Key key = switch (jwk.getKeyType().getValue()) {
                case "EC" -> jwk.toECKey().toPublicKey();
                case "RSA" -> jwk.toRSAKey().toPublicKey();
                default -> null;
            };
            if (key == null) {
                continue;
            }
            try {
                JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(), key);
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (com.nimbusds.jose.JOSEException wrongKeyType) {
                // an EC key cannot verify an RS256 signature and vice versa: not a match
            }
        }
        return false;
    }
}
