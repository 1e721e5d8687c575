package dev.tally.token.issuance;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.token.signing.TenantSigningKey;
import java.time.Instant;
import java.util.Date;
import org.springframework.stereotype.Component;

/** Builds and signs RFC 9068 access tokens ({@code typ: at+jwt}) with the tenant's current key. */
@Component
public class AccessTokenSigner {
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    /**
     * @param issuedAt whole seconds: JWT times are NumericDate seconds, and {@code expires_in} must equal
     *                 {@code exp - iat} exactly
     */
    public SignedAccessToken sign(TenantSigningKey key, String issuer, String subject, String clientId, String audience,
                                  String scope, Instant issuedAt, long lifetimeSeconds) {
        Instant expiresAt = issuedAt.plusSeconds(lifetimeSeconds);
        String jti = RandomTokens.urlSafe(16);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(audience)
                .claim("client_id", clientId)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(jti);
        if (scope != null) {
            claims.claim("scope", scope);
        }
        JWSHeader header = new JWSHeader.Builder(key.algorithm()).type(AT_JWT).keyID(key.kid()).build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
        return new SignedAccessToken(jwt.serialize(), jti, issuedAt, expiresAt, lifetimeSeconds);
    }

    public record SignedAccessToken(String value, String jti, Instant issuedAt, Instant expiresAt, long lifetimeSeconds) {
    }
}
