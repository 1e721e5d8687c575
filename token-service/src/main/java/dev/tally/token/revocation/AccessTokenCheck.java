package dev.tally.token.revocation;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.token.signing.TokenVerifier;
import dev.tally.token.view.RevocationView;
import dev.tally.token.view.TokenConfigState.TenantView;
import java.text.ParseException;
import java.util.Date;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Whether an access token is active, the one check every endpoint that accepts one makes (userinfo, introspection):
 * an RFC 9068 token ({@code typ: at+jwt}) signed by one of the tenant's keys, issued by the tenant's issuer, not
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
        if (!isAccessToken(token)) {
            return Optional.empty();
        }
        return verifier.verify(tenant.jwks(), issuer, token, true).filter(claims -> !revoked(tenant.tenantId(), claims));
    }

    /** True if the token parses as a JWT whose {@code typ} is {@code at+jwt}; false for anything else, never throws. */
    public static boolean isAccessToken(String token) {
        try {
            return token != null && "at+jwt".equals(TokenVerifier.type(token));
        } catch (RuntimeException unparseable) {
            return false;
        }
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
