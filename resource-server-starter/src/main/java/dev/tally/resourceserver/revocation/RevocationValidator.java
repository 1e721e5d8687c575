package dev.tally.resourceserver.revocation;

import dev.tally.resourceserver.TallyResourceServerProperties.WhenStale;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Refuses a token the tenant has revoked ({@code jti}, {@code sid}, {@code fid}, its subject's "not before", its
 * signing key), and, with {@code when-stale: refuse}, every token while the list is older than
 * {@code max-staleness}: a security team expects a revoked token to stop working within the documented bound even
 * when Tally cannot be reached. Spring's bearer-token entry point turns the failure into 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token", error_description="..."} (RFC 6750 §3.1).
 */
public final class RevocationValidator implements OAuth2TokenValidator<Jwt> {
    private final RevocationList list;
    private final RevocationPoller poller;
    private final Duration maxStaleness;
    private final WhenStale whenStale;
    private final AtomicLong refusedRevoked = new AtomicLong();
    private final AtomicLong refusedStale = new AtomicLong();

    public RevocationValidator(RevocationList list, RevocationPoller poller, Duration maxStaleness, WhenStale whenStale) {
        this.list = list;
        this.poller = poller;
        this.maxStaleness = maxStaleness;
        this.whenStale = whenStale;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        String reason = list.revoked(jwt.getId(), jwt.getClaimAsString("sid"), jwt.getClaimAsString("fid"),
                jwt.getSubject(), jwt.getIssuedAt(), header(jwt, "kid"));
        if (reason != null) {
            refusedRevoked.incrementAndGet();
            return refused(reason);
        }
        if (whenStale == WhenStale.REFUSE && poller.lastComplete() == null) {
            refusedStale.incrementAndGet();
            return refused("the revocation list has not been read yet");
        }
        if (whenStale == WhenStale.REFUSE && poller.staleness().compareTo(maxStaleness) > 0) {
            refusedStale.incrementAndGet();
            return refused("the revocation list is older than " + maxStaleness.toSeconds() + " s");
        }
        return OAuth2TokenValidatorResult.success();
    }

    /** Tokens refused because they were revoked. */
    public long refusedRevoked() {
        return refusedRevoked.get();
    }

    /** Tokens refused because the list was not current. */
    public long refusedStale() {
        return refusedStale.get();
    }

    private static OAuth2TokenValidatorResult refused(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
    }

    private static String header(Jwt jwt, String name) {
        return jwt.getHeaders().get(name) instanceof String s ? s : null;
    }
}
