package dev.tally.token.revocation;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.token.signing.TokenVerifier;
import dev.tally.token.view.RevocationView;
import dev.tally.token.view.TokenConfigState.TenantView;
import java.text.ParseException;
import java.util.Date;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Whether an access token is active, the one check every endpoint that accepts one makes (userinfo, introspection):
 * an access token ({@link #isAccessToken}) signed by one of the tenant's keys, issued by the tenant's issuer, not
 * expired by the injected clock, and not revoked in the {@link RevocationView}: neither its {@code jti}, nor its
 * login session ({@code sid}), nor its refresh-token family ({@code fid}), nor everything its subject was issued
 * before its {@code iat} ("not before", compared as full instants: {@code iat < notBefore} is inactive).
 */
@Component
public class AccessTokenCheck {
    private final TokenVerifier verifier;
    private final RevocationView revocations;

    public AccessTokenCheck(TokenVerifier verifier, RevocationView revocations) {
        this.verifier = verifier;
        this.revocations = revocations;
    }

    /** The token's claims if it is active for this tenant and issuer, else empty; never throws for bad input. */
    public Optional<JWTClaimsSet> active(TenantView tenant, String issuer, String token) {
        // the signature first: a token verified before is remembered with its typ and claims, so a resource server's
        // repeated introspection does not parse it again to learn whether it is an access token
        return verifier.verifyTyped(tenant.jwks(), issuer, token, true)
                .filter(t -> isAccessToken(t.type(), t.claims()))
                .map(TokenVerifier.Typed::claims)
                .filter(claims -> !revoked(tenant.tenantId(), claims));
    }

    /**
     * True if the token parses as one of Tally's access tokens: {@code typ: at+jwt}, or {@code typ: JWT} (an API's
     * {@code access_token} dialect) with a {@code client_id} claim and no {@code at_hash}. An ID token is also
     * {@code typ: JWT}, but always carries {@code at_hash} and never {@code client_id}, so it never passes for an access
     * token. False for anything else; never throws. The signature is checked after, by whoever asks.
     */
    public static boolean isAccessToken(String token) {
        try {
            if (token == null) {
                return false;
            }
            String type = TokenVerifier.type(token);
            if (TokenDialect.RFC9068_PROFILE.headerType().equals(type)) {
                return true;
            }
            return TokenDialect.ACCESS_TOKEN.headerType().equals(type)
                    && isAccessToken(type, SignedJWT.parse(token).getJWTClaimsSet());
        } catch (ParseException | RuntimeException unparseable) {
            return false;
        }
    }

    /** {@link #isAccessToken(String)} for a token already parsed: its {@code typ} header and claims. */
    static boolean isAccessToken(String type, JWTClaimsSet claims) {
        if (TokenDialect.RFC9068_PROFILE.headerType().equals(type)) {
            return true;
        }
        return TokenDialect.ACCESS_TOKEN.headerType().equals(type)
                && claims.getClaim("client_id") instanceof String && claims.getClaim("at_hash") == null;
    }

    private boolean revoked(String tenantId, JWTClaimsSet claims) {
        Date iat = claims.getIssueTime();
        return revocations.revoked(tenantId, claims.getJWTID(), claims.getSubject(), iat == null ? null : iat.toInstant(),
                string(claims, "sid"), string(claims, "fid"));
    }

    private static String string(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException notAString) {
            return null;
        }
    }
}
