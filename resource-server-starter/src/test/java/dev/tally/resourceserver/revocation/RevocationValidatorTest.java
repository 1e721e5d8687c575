package dev.tally.resourceserver.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.resourceserver.TallyResourceServerProperties.WhenStale;
import dev.tally.testsupport.MutableClock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The choice when the list is not current, with a poller whose Tally refuses every connection (a port nothing
 * listens on): {@code refuse} turns every token away, {@code accept} lets it in; a listed revocation is refused
 * either way.
 */
class RevocationValidatorTest {
    static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

    final MutableClock clock = new MutableClock(T);
    final RevocationList list = new RevocationList(Duration.ofHours(1));
    final RevocationPoller unreachable = poller();

    @Test
    void refuseTurnsEveryTokenAwayBeforeTheFirstCompletePoll() {
        unreachable.pollOnce();

        OAuth2TokenValidatorResult result = validator(WhenStale.REFUSE).validate(token("j1"));

        assertThat(unreachable.failures()).isEqualTo(1);
        assertThat(result.getErrors()).extracting(OAuth2Error::getErrorCode).containsExactly("invalid_token");
        assertThat(result.getErrors()).extracting(OAuth2Error::getDescription)
                .containsExactly("the revocation list has not been read yet");
    }

    @Test
    void acceptLetsATokenInWhileTheListIsStaleButStillRefusesWhatItHolds() {
        unreachable.pollOnce();
        clock.advance(Duration.ofMinutes(10));
        list.apply(Map.of("kind", "jti", "jti", "j2", "revoked_at", T.toString()));
        RevocationValidator validator = validator(WhenStale.ACCEPT);

        assertThat(validator.validate(token("j1")).hasErrors()).isFalse();
        assertThat(validator.validate(token("j2")).getErrors()).extracting(OAuth2Error::getDescription)
                .containsExactly("the token was revoked");
        assertThat(validator.refusedRevoked()).isEqualTo(1);
        assertThat(validator.refusedStale()).isZero();
    }

    @Test
    void stalenessCountsFromWhenThePollerWasMadeUntilAPollCompletes() {
        clock.advance(Duration.ofSeconds(42));
        unreachable.pollOnce();

        assertThat(unreachable.lastComplete()).isNull();
        assertThat(unreachable.staleness()).isEqualTo(Duration.ofSeconds(42));
    }

    private RevocationValidator validator(WhenStale whenStale) {
        return new RevocationValidator(list, unreachable, Duration.ofSeconds(30), whenStale);
    }

    private RevocationPoller poller() {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String issuer = "http://127.0.0.1:" + port + "/t/acme";
        return new RevocationPoller(issuer, URI.create(issuer + "/revocations"), "rs", "secret", Duration.ofMillis(200),
                Duration.ofSeconds(1), 100, list, clock);
    }

    private static Jwt token(String jti) {
        return Jwt.withTokenValue("t").header("alg", "ES256").header("typ", "at+jwt").header("kid", "k1").jti(jti)
                .subject("usr_1").issuedAt(T.minusSeconds(5)).expiresAt(T.plusSeconds(600)).build();
    }
}
