package dev.tally.command.tenant;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** Makes a tenant's signing key and seals its private half with the master key before it reaches an event. */
@Component
public class SigningKeyFactory {
    private final MasterKey masterKey;

    public SigningKeyFactory(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    /**
     * @param activatesAt when the key may start signing, or {@code null} to sign at once
     * @param cause why it is made (see {@link SigningKeyCreated})
     */
    public SigningKeyCreated newKey(String tenantId, SigningAlgorithm alg, Instant now, Instant activatesAt, String cause) {
        String kid = RandomTokens.urlSafe(12);
        JWK jwk = generate(alg, kid);
        String sealed = masterKey.seal(jwk.toJSONString().getBytes(StandardCharsets.UTF_8),
                SigningKeyAdded.associatedData(tenantId, kid));
        return new SigningKeyCreated(tenantId, kid, alg, jwk.toPublicJWK().toJSONString(), sealed, now, activatesAt, cause);
    }

    private static JWK generate(SigningAlgorithm alg, String kid) {
        try {
            return switch (alg) {
                case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.ES256).generate();
                case RS256 -> new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256).generate();
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + alg + " key", e);
        }
    }
}
