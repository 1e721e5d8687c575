package dev.tally.token.family;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.protocol.OAuthError;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

/**
 * What the token service makes of the family aggregate's answers and failures, for the commands the refresh grant
 * does not send (rotation is covered with the grant). The aggregate is a stand-in behind Axon's real gateway.
 */
class RefreshFamiliesTest {
    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private RefreshFamilies families;
    private String familyId;
    private String token;

    @BeforeEach
    void world() {
        families = fx.families();
        familyId = RefreshTokens.newFamilyId();
        token = RefreshTokens.newToken(familyId);
    }

    @Test
    void looksLikeRefreshTokenWhenFamilyDotSecretThenTrueElseFalse() {
        assertThat(RefreshFamilies.looksLikeRefreshToken(token)).isTrue();
        assertThat(RefreshFamilies.looksLikeRefreshToken("eyJhbGciOiJFUzI1NiJ9.e30.sig")).isFalse();
        assertThat(RefreshFamilies.looksLikeRefreshToken(null)).isFalse();
    }

    @Test
    void startWhenTheFamilyAcceptsThenTheCommandIsSentOnce() {
        StartRefreshTokenFamily start = start();

        families.start(start);

        assertThat(fx.commands.sentOnce(StartRefreshTokenFamily.class)).isSameAs(start);
    }

    @Test
    void startWhenTheStoreFailsThenTemporarilyUnavailable() {
        fx.commands.answer(StartRefreshTokenFamily.class, command -> {
            throw new EventStoreException("the store is down");
        });

        OAuthError error = refusal(() -> families.start(start()));

        assertThat(error.error()).isEqualTo("temporarily_unavailable");
        assertThat(error.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(error.getMessage()).isEqualTo("the token store is unavailable; retry shortly");
    }

    /** The family refuses nonsense the issuer sent (a bug, not a client's error): it is not dressed up as a 503. */
    @Test
    void startWhenTheFamilyRefusesTheCommandThenTheFailureIsThrownAsIs() {
        fx.commands.answer(StartRefreshTokenFamily.class, command -> {
            throw new IllegalArgumentException("a refresh token family needs a positive absolute lifetime");
        });

        assertThatThrownBy(() -> families.start(start())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive absolute lifetime");
    }

    @Test
    void inspectWhenTheTokenIsCurrentThenTheFamilysAnswerForItsHash() {
        RefreshTokenIntrospection active = new RefreshTokenIntrospection(true, "web", "usr_alice", "ses_1", "read",
                "https://api.acme.test", T0, T0.plusSeconds(3600));
        fx.commands.answer(InspectRefreshToken.class, command -> active);

        assertThat(families.inspect("acme", token)).isEqualTo(active);
        assertThat(fx.commands.sentOnce(InspectRefreshToken.class))
                .isEqualTo(new InspectRefreshToken(familyId, "acme", SecretHash.of(token)));
    }

    @Test
    void inspectWhenNotShapedLikeARefreshTokenThenInactiveWithoutAskingAnyFamily() {
        assertThat(families.inspect("acme", "an.access.token")).isEqualTo(RefreshTokenIntrospection.INACTIVE);
        assertThat(families.inspect("acme", null)).isEqualTo(RefreshTokenIntrospection.INACTIVE);
        assertThat(fx.commands.sent()).isEmpty();
    }

    @Test
    void inspectWhenNoSuchFamilyOrAnotherTenantsThenInactive() {
        fx.commands.answer(InspectRefreshToken.class, command -> {
            throw new AggregateNotFoundException(command.familyId(), "no family");
        });
        assertThat(families.inspect("acme", token)).isEqualTo(RefreshTokenIntrospection.INACTIVE);

        fx.commands.answer(InspectRefreshToken.class, command -> {
            throw new NotFound("no such refresh token family in tenant 'acme'");
        });
        assertThat(families.inspect("acme", token)).isEqualTo(RefreshTokenIntrospection.INACTIVE);

        fx.commands.answer(InspectRefreshToken.class, command -> null);
        assertThat(families.inspect("acme", token)).isEqualTo(RefreshTokenIntrospection.INACTIVE);
    }

    /** A cached copy that was behind is evicted and asked again, as after a lost append race. */
    @Test
    void inspectWhenTheFamilyWasBehindOnceThenAskedAgain() {
        AtomicInteger asked = new AtomicInteger();
        RefreshTokenIntrospection active = new RefreshTokenIntrospection(true, "web", "usr_alice", null, null, null, T0,
                T0.plusSeconds(60));
        fx.commands.answer(InspectRefreshToken.class, command -> {
            if (asked.incrementAndGet() == 1) {
                throw new ConcurrencyException("the family has events after this copy's version");
            }
            return active;
        });

        assertThat(families.inspect("acme", token)).isEqualTo(active);
        assertThat(asked).hasValue(2);
    }

    @Test
    void inspectWhenTheStoreFailsThenTemporarilyUnavailable() {
        fx.commands.answer(InspectRefreshToken.class, command -> {
            throw new EventStoreException("the store is down");
        });

        assertThat(refusal(() -> families.inspect("acme", token)).error()).isEqualTo("temporarily_unavailable");
    }

    @Test
    void revokeWhenTheFamilyExistsThenSentAndWhenUnknownThenNothingToEnd() {
        RevokeRefreshTokenFamily revoke = new RevokeRefreshTokenFamily(familyId, "acme", FamilyEndReason.REVOKED_BY_CLIENT);
        fx.commands.answer(RevokeRefreshTokenFamily.class, command -> null);
        families.revoke(revoke);
        fx.commands.answer(RevokeRefreshTokenFamily.class, command -> {
            throw new AggregateNotFoundException(command.familyId(), "no family");
        });
        families.revoke(revoke);

        assertThat(fx.commands.sent(RevokeRefreshTokenFamily.class)).containsExactly(revoke, revoke);
    }

    @Test
    void revokeWhenTheStoreFailsThenTemporarilyUnavailable() {
        fx.commands.answer(RevokeRefreshTokenFamily.class, command -> {
            throw new EventStoreException("the store is down");
        });

        OAuthError error = refusal(() -> families.revoke(new RevokeRefreshTokenFamily(familyId, "acme",
                FamilyEndReason.LOGOUT)));

        assertThat(error.error()).isEqualTo("temporarily_unavailable");
    }

    private StartRefreshTokenFamily start() {
        return new StartRefreshTokenFamily(familyId, "acme", "web", "usr_alice", "ses_1", SecretHash.of(token), "read",
                "https://api.acme.test", RotationMode.ROTATE, 3600, 0, 0);
    }
}
