package dev.tally.token.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.api.TokenDialect;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Signs the tenant's tokens with its current key: access tokens (RFC 9068, {@code typ: at+jwt}, or in the API's
 * {@link TokenDialect#ACCESS_TOKEN} dialect {@code typ: JWT} with the same claims) and OpenID Connect ID tokens. Times are whole seconds: JWT NumericDates are, and {@code expires_in} must equal {@code exp - iat}.
 */
@Component
public class TokenSigner {
    private static final JOSEObjectType AT_JWT = new JOSEObjectType(TokenDialect.RFC9068_PROFILE.headerType());

    public SignedToken accessToken(TenantSigningKey key, String jti, String issuer, String subject, String clientId,
                                   List<String> audience, String scope, Instant issuedAt, long lifetimeSeconds) {
        return accessToken(key, jti, issuer, subject, clientId, audience, scope, issuedAt, lifetimeSeconds, null, null);
    }

    public SignedToken accessToken(TenantSigningKey key, String jti, String issuer, String subject, String clientId,
                                   List<String> audience, String scope, Instant issuedAt, long lifetimeSeconds,
                                   String sessionId, String familyId) {
        return accessToken(key, jti, issuer, subject, clientId, audience, scope, issuedAt, lifetimeSeconds, sessionId,
                familyId, TokenDialect.DEFAULT);
    }

    /**
     * @param sessionId the login session the token is issued in ({@code sid}), or {@code null}
     * @param familyId  the refresh-token family it is issued with or from ({@code fid}), or {@code null}; with
     *                  {@code sid} they let a revoked session or family be told from the token alone
     * @param dialect   the API's {@code token_dialect}: only the header's {@code typ} depends on it
     */
    public SignedToken accessToken(TenantSigningKey key, String jti, String issuer, String subject, String clientId,
                                   List<String> audience, String scope, Instant issuedAt, long lifetimeSeconds,
                                   String sessionId, String familyId, TokenDialect dialect) {
        Instant expiresAt = issuedAt.plusSeconds(lifetimeSeconds);
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
        if (sessionId != null) {
            claims.claim("sid", sessionId);
        }
        if (familyId != null) {
            claims.claim("fid", familyId);
        }
        JOSEObjectType type = dialect == TokenDialect.ACCESS_TOKEN ? JOSEObjectType.JWT : AT_JWT;
        return sign(key, type, claims.build(), jti, issuedAt, expiresAt, lifetimeSeconds);
    }

    /**
     * @param nonce the authorization request's nonce, or {@code null}
     * @param sessionId the login session ({@code sid}), or {@code null} when there is none (password grant)
     * @param accessToken the access token issued with it, for {@code at_hash}
     */
    public SignedToken idToken(TenantSigningKey key, String jti, String issuer, String subject, String clientId,
                               Instant issuedAt, long lifetimeSeconds, Instant authTime, String nonce, String sessionId,
                               String accessToken) {
        Instant expiresAt = issuedAt.plusSeconds(lifetimeSeconds);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(clientId)
                .claim("azp", clientId)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(jti)
                .claim("at_hash", leftHalfHash(accessToken));
        if (authTime != null) {
            claims.claim("auth_time", authTime.getEpochSecond());
        }
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        if (sessionId != null) {
            claims.claim("sid", sessionId);
        }
        return sign(key, JOSEObjectType.JWT, claims.build(), jti, issuedAt, expiresAt, lifetimeSeconds);
    }

    private static SignedToken sign(TenantSigningKey key, JOSEObjectType type, JWTClaimsSet claims, String jti,
                                    Instant issuedAt, Instant expiresAt, long lifetimeSeconds) {
        JWSHeader header = new JWSHeader.Builder(key.algorithm()).type(type).keyID(key.kid()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
        return new SignedToken(jwt.serialize(), jti, issuedAt, expiresAt, lifetimeSeconds);
    }

    /** OpenID Connect Core §3.1.3.6: the left half of the hash of the access token (SHA-256 for ES256 and RS256). */
    static String leftHalfHash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digest.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public record SignedToken(String value, String jti, Instant issuedAt, Instant expiresAt, long lifetimeSeconds) {
    }
}
