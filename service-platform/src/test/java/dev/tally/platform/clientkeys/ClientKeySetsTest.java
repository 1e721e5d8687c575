package dev.tally.platform.clientkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.tally.kernel.problem.InvalidInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules a client's key set must keep, at registration and when a jwks_uri serves it. */
class ClientKeySetsTest {
    static ECKey ec;
    static ECKey ec2;
    static RSAKey rsa;

    @BeforeAll
    static void keys() throws Exception {
        ec = new ECKeyGenerator(Curve.P_256).keyID("a").generate();
        ec2 = new ECKeyGenerator(Curve.P_256).keyID("b").generate();
        rsa = new RSAKeyGenerator(2048).keyID("r").generate();
    }

    static Map<String, Object> set(Map<String, Object>... keys) {
        return new HashMap<>(Map.of("keys", List.of(keys)));
    }

    static void refused(Map<String, Object> jwks, String reason) {
        assertThatThrownBy(() -> ClientKeySets.requireValid(jwks)).isInstanceOf(InvalidInput.class)
                .hasMessageContaining(reason).satisfies(e -> assertThat(((InvalidInput) e).field()).isEqualTo("jwks"));
    }

    @Test
    void publicEcAndRsaKeysWithKidsAreAcceptedAndStoredWithoutAnythingElse() {
        Map<String, Object> jwks = new JWKSet(List.of(ec.toPublicJWK(), rsa.toPublicJWK())).toJSONObject(true);
        jwks.put("extra", "member");

        String stored = ClientKeySets.normalized(ClientKeySets.requireValid(jwks));

        assertThat(stored).doesNotContain("extra").contains("\"kid\":\"a\"", "\"kid\":\"r\"");
    }

    @Test
    void privateKeysAreRefused() {
        refused(new JWKSet(ec).toJSONObject(false), "private");
        refused(new JWKSet(rsa).toJSONObject(false), "private");
    }

    @Test
    void symmetricAndUnsupportedKeysAreRefused() throws Exception {
        refused(set(Map.of("kty", "oct", "k", "AAAAAAAAAAAAAAAAAAAAAA")), "oct");
        refused(set(Map.of("kty", "OKP", "crv", "Ed25519", "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")), "OKP");
        refused(set(Map.of("kty", "XYZ", "kid", "x")), "unsupported");
    }

    @Test
    void weakOrWrongCurveKeysAreRefused() throws Exception {
        refused(new JWKSet(new RSAKeyGenerator(1024, true).generate().toPublicJWK()).toJSONObject(true), "1024 bits");
        refused(new JWKSet(new ECKeyGenerator(Curve.P_384).generate().toPublicJWK()).toJSONObject(true), "P-256");
    }

    @Test
    void severalKeysNeedDistinctKids() {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (ECKey k : List.of(ec, ec2)) {
            Map<String, Object> json = new HashMap<>(k.toPublicJWK().toJSONObject());
            json.remove("kid");
            keys.add(json);
        }
        refused(new HashMap<>(Map.of("keys", keys)), "each needs a kid");
        refused(new JWKSet(List.of(ec.toPublicJWK(), new ECKey.Builder(ec2.toPublicJWK()).keyID("a").build()))
                .toJSONObject(true), "two keys with kid");
    }

    @Test
    void encryptionKeysAndForeignAlgorithmsAreRefused() {
        refused(new JWKSet(new ECKey.Builder(ec.toPublicJWK()).keyUse(KeyUse.ENCRYPTION).build()).toJSONObject(true), "use");
        refused(new JWKSet(new RSAKey.Builder(rsa.toPublicJWK()).algorithm(JWSAlgorithm.RS512).build()).toJSONObject(true),
                "RS512");
        refused(new JWKSet(new ECKey.Builder(ec.toPublicJWK()).algorithm(JWSAlgorithm.RS256).build()).toJSONObject(true),
                "RS256");
    }

    @Test
    void emptyMissingOrOversizedSetsAreRefused() {
        refused(Map.of("keys", List.of()), "1 to 10");
        refused(Map.of("key", List.of()), "\"keys\" array");
        List<Map<String, Object>> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(new ECKey.Builder(ec.toPublicJWK()).keyID("k" + i).build().toJSONObject());
        }
        refused(Map.of("keys", eleven), "1 to 10");
    }

    @Test
    void aJwksUriIsHttpsUnlessHttpIsAllowed() {
        assertThat(ClientKeySets.requireJwksUri("https://keys.example.test/jwks.json", false))
                .isEqualTo("https://keys.example.test/jwks.json");
        assertThat(ClientKeySets.requireJwksUri("http://keys.example.test/jwks.json", true)).startsWith("http:");
        for (String bad : List.of("http://keys.example.test/jwks.json", "ftp://keys.example.test/x", "/relative",
                "https://user@keys.example.test/x", "https://keys.example.test/x#f", "https://" + "a".repeat(1000), "https://bad host/")) {
            assertThatThrownBy(() -> ClientKeySets.requireJwksUri(bad, false)).as(bad).isInstanceOf(InvalidInput.class)
                    .satisfies(e -> assertThat(((InvalidInput) e).field()).isEqualTo("jwks_uri"));
        }
    }
}
