package dev.tally.token.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.util.Base64URL;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.kernel.json.JsonText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Signs the tenant's tokens with its current key: access tokens (RFC 9068, {@code typ: at+jwt}, or in the API's
 * {@link TokenDialect#ACCESS_TOKEN} dialect {@code typ: JWT} with the same claims) and OpenID Connect ID tokens. Times are whole seconds: JWT NumericDates are, and {@code expires_in} must equal {@code exp - iat}.
 */
@Component
public class TokenSigner {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

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
        Claims claims = new Claims()
                .string("iss", issuer)
                .string("sub", subject)
                .audience(audience)
                .string("client_id", clientId)
                .number("iat", issuedAt.getEpochSecond())
                .number("exp", expiresAt.getEpochSecond())
                .string("jti", jti)
                .string("scope", scope)
                .string("sid", sessionId)
                .string("fid", familyId);
        JOSEObjectType type = dialect == TokenDialect.ACCESS_TOKEN ? JOSEObjectType.JWT : TenantSigningKey.AT_JWT;
        return sign(key, type, claims, jti, issuedAt, expiresAt, lifetimeSeconds);
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
        Claims claims = new Claims()
                .string("iss", issuer)
                .string("sub", subject)
                .audience(clientId == null ? null : List.of(clientId))
                .string("azp", clientId)
                .number("iat", issuedAt.getEpochSecond())
                .number("exp", expiresAt.getEpochSecond())
                .string("jti", jti)
                .string("at_hash", leftHalfHash(accessToken));
        if (authTime != null) {
            claims.number("auth_time", authTime.getEpochSecond());
        }
        claims.string("nonce", nonce)
                .string("sid", sessionId);
        return sign(key, JOSEObjectType.JWT, claims, jti, issuedAt, expiresAt, lifetimeSeconds);
    }

    /**
     * The compact serialization written directly: the key's header encoded once, the claims as JSON text
     * ({@link Claims}), the signature by the key's Nimbus signer (which also turns ECDSA's DER into JOSE's fixed-length
     * form). Nimbus's own path built a claims map, wrote it with its JSON library and encoded the header again for
     * every token: half of the bytes a token's signing allocated (JMH, BENCHMARKS.md "Signatures").
     */
    private static SignedToken sign(TenantSigningKey key, JOSEObjectType type, Claims claims, String jti,
                                    Instant issuedAt, Instant expiresAt, long lifetimeSeconds) {
        TenantSigningKey.Header header = key.header(type);
        String signingInput = header.encoded() + '.' + BASE64URL.encodeToString(
                claims.json().getBytes(StandardCharsets.UTF_8));
        Base64URL signature;
        try {
            signature = key.signer().sign(header.jws(), signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
        return new SignedToken(signingInput + '.' + signature, jti, issuedAt, expiresAt, lifetimeSeconds);
    }

    /**
     * A JWT claims set as JSON text, in the order given. A claim whose value is {@code null} is left out, and so is an
     * audience that is {@code null} or empty; an audience of one is a string, of several an array (RFC 7519 §4.1.3,
     * as Nimbus wrote it).
     */
    static final class Claims {
        private final StringBuilder json = new StringBuilder(320).append('{');
        private String finished;

        Claims string(String name, String value) {
            if (value != null) {
                JsonText.appendString(name(name), value);
            }
            return this;
        }

        Claims number(String name, long value) {
            name(name).append(value);
            return this;
        }

        Claims audience(List<String> audience) {
            if (audience == null || audience.isEmpty()) {
                return this;
            }
            if (audience.size() == 1) {
                return string("aud", audience.get(0));
            }
            name("aud").append('[');
            for (int i = 0; i < audience.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                JsonText.appendString(json, audience.get(i));
            }
            json.append(']');
            return this;
        }

        /** The finished text, the same on every call; no claim may be added after it. */
        String json() {
            if (finished == null) {
                finished = json.append('}').toString();
            }
            return finished;
        }

        private StringBuilder name(String name) {
            if (finished != null) {
                throw new IllegalStateException("the claims' text is finished");
            }
            if (json.length() > 1) {
                json.append(',');
            }
            return JsonText.appendString(json, name).append(':');
        }
    }

    /** OpenID Connect Core §3.1.3.6: the left half of the hash of the access token (SHA-256 for ES256 and RS256). */
    static String leftHalfHash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return BASE64URL.encodeToString(Arrays.copyOf(digest, digest.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public record SignedToken(String value, String jti, Instant issuedAt, Instant expiresAt, long lifetimeSeconds) {
    }
}
