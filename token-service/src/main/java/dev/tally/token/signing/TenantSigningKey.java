package dev.tally.token.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;

/**
 * One signing key of a tenant, unsealed once when its event is applied. The Nimbus signer is built here, once,
 * and reused by every request: signers are thread-safe and building one per token is wasted work.
 */
public final class TenantSigningKey {
    private final String kid;
    private final JWSAlgorithm algorithm;
    private final JWSSigner signer;
    private final JWK publicJwk;

    private TenantSigningKey(String kid, JWSAlgorithm algorithm, JWSSigner signer, JWK publicJwk) {
        this.kid = kid;
        this.algorithm = algorithm;
        this.signer = signer;
        this.publicJwk = publicJwk;
    }

    public static TenantSigningKey unseal(SigningKeyAdded event, MasterKey masterKey) {
        byte[] privateJson = masterKey.open(event.sealedPrivateJwk(), SigningKeyAdded.associatedData(event.tenantId(), event.kid()));
        try {
            JWK jwk = JWK.parse(new String(privateJson, StandardCharsets.UTF_8));
            JWSSigner signer = switch (event.alg()) {
                case ES256 -> new ECDSASigner(jwk.toECKey());
                case RS256 -> new RSASSASigner(jwk.toRSAKey());
            };
            return new TenantSigningKey(event.kid(), JWSAlgorithm.parse(event.alg().name()), signer, JWK.parse(event.publicJwk()));
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("signing key " + event.kid() + " of tenant " + event.tenantId() + " is unusable", e);
        } finally {
            Arrays.fill(privateJson, (byte) 0);
        }
    }

    public String kid() {
        return kid;
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    public JWSSigner signer() {
        return signer;
    }

    public JWK publicJwk() {
        return publicJwk;
    }
}
