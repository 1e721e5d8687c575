package dev.tally.token.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.text.ParseException;
import java.util.Arrays;

/**
 * One signing key of a tenant, unsealed once when its event is applied. The Nimbus signer is built here, once,
 * and reused by every request: signers are thread-safe and building one per token is wasted work. It signs with the
 * {@link SignatureProvider} chosen for its algorithm, holding the private key as that provider does. Its two protected
 * headers ({@code typ} {@code at+jwt} and {@code JWT}) are built and encoded here once too: they never change.
 */
public final class TenantSigningKey {
    static final JOSEObjectType AT_JWT = new JOSEObjectType(TokenDialect.RFC9068_PROFILE.headerType());

    private final String kid;
    private final JWSAlgorithm algorithm;
    private final JWSSigner signer;
    private final JWK publicJwk;
    private final Header atJwtHeader;
    private final Header jwtHeader;

    /** A protected header and its base64url encoding, the first part of every token signed under it. */
    record Header(JWSHeader jws, String encoded) {
        static Header of(JWSAlgorithm algorithm, JOSEObjectType type, String kid) {
            JWSHeader jws = new JWSHeader.Builder(algorithm).type(type).keyID(kid).build();
            return new Header(jws, jws.toBase64URL().toString());
        }
    }

    private TenantSigningKey(String kid, JWSAlgorithm algorithm, JWSSigner signer, JWK publicJwk) {
        this.kid = kid;
        this.algorithm = algorithm;
        this.signer = signer;
        this.publicJwk = publicJwk;
        this.atJwtHeader = Header.of(algorithm, AT_JWT, kid);
        this.jwtHeader = Header.of(algorithm, JOSEObjectType.JWT, kid);
    }

    public static TenantSigningKey unseal(SigningKeyAdded event, MasterKey masterKey) {
        return unseal(event.tenantId(), event.kid(), event.alg(), event.publicJwk(), event.sealedPrivateJwk(), masterKey);
    }

    /**
     * A key whose private half is not opened yet: the start-up replay met it sealed under a master key that has left
     * the ring, and a later re-seal opens it ({@code KeysAwaitingReseal}). It never signs: the replay ends with every
     * such key still published opened, or the service does not start.
     */
    public static TenantSigningKey unopened(String kid, SigningAlgorithm alg, String publicJwk) {
        try {
            return new TenantSigningKey(kid, JWSAlgorithm.parse(alg.name()), null, JWK.parse(publicJwk));
        } catch (ParseException e) {
            throw new IllegalStateException("signing key " + kid + " has an unreadable public key", e);
        }
    }

    public static TenantSigningKey unseal(String tenantId, String kid, SigningAlgorithm alg, String publicJwk,
                                          String sealedPrivateJwk, MasterKey masterKey) {
        byte[] privateJson = masterKey.open(sealedPrivateJwk, SigningKeyAdded.associatedData(tenantId, kid));
        try {
            JWK jwk = JWK.parse(new String(privateJson, StandardCharsets.UTF_8));
            Provider provider = SignatureProvider.forAlgorithm(alg);
            JWSSigner signer = switch (alg) {
                case ES256 -> {
                    ECKey ec = jwk.toECKey();
                    yield new ECDSASigner(SignatureProvider.privateKey(provider, ec.toPrivateKey()), ec.getCurve());
                }
                case RS256 -> new RSASSASigner(SignatureProvider.privateKey(provider, jwk.toRSAKey().toPrivateKey()));
            };
            signer.getJCAContext().setProvider(provider);
            return new TenantSigningKey(kid, JWSAlgorithm.parse(alg.name()), signer, JWK.parse(publicJwk));
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("signing key " + kid + " of tenant " + tenantId + " is unusable", e);
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

    /** False only for a key {@link #unopened} in the start-up replay. */
    public boolean opened() {
        return signer != null;
    }

    public JWSSigner signer() {
        return signer;
    }

    /** The header for {@code typ} {@code at+jwt} (RFC 9068) or {@code JWT}. */
    Header header(JOSEObjectType type) {
        if (AT_JWT.equals(type)) {
            return atJwtHeader;
        }
        if (JOSEObjectType.JWT.equals(type)) {
            return jwtHeader;
        }
        throw new IllegalArgumentException("no header for typ " + type);
    }

    public JWK publicJwk() {
        return publicJwk;
    }
}
