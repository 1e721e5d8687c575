package dev.tally.kernel.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import java.time.Instant;
import java.util.List;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

class InternalFeedTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static AccessTokenIssued token(String sessionId, String familyId) {
        return new AccessTokenIssued("acme", "jti-1", "app", "usr_1", "https://api.test", "read", "client_credentials",
                T0, T0.plusSeconds(600), 600, "api.token_lifetime", List.of(), sessionId, familyId);
    }

    @Test
    void aMachineTokenAndEveryIdTokenAreLeftOutTokensOfASessionOrFamilyAreCarried() {
        assertThat(InternalFeed.carries(token(null, null))).isFalse();
        assertThat(InternalFeed.carries(token("ses_1", null))).isTrue();
        assertThat(InternalFeed.carries(token(null, "fam_1"))).isTrue();
        assertThat(InternalFeed.carries(token("ses_1", "fam_1"))).isTrue();
        assertThat(InternalFeed.carries(new IdTokenIssued("acme", "id-1", "app", "usr_1", "ses_1", T0,
                T0.plusSeconds(600), 600, "client.id_token_lifetime", List.of()))).isFalse();
        assertThat(InternalFeed.carries(new AccessTokenRevoked("acme", "jti-1", "app", "usr_1", T0.plusSeconds(600), T0,
                null))).isTrue();
    }

    @Test
    void theMessageFormDecidesAsThePayloadDoesAndOnlyTheTwoTokenTypesMayBeLeftOut() {
        assertThat(InternalFeed.carries(GenericEventMessage.asEventMessage(token(null, null)))).isFalse();
        assertThat(InternalFeed.carries(GenericEventMessage.asEventMessage(token(null, "fam_1")))).isTrue();
        assertThat(InternalFeed.carries(GenericEventMessage.asEventMessage(new SessionRevoked("ses_1", "acme", "usr_1",
                SessionEndReason.values()[0], T0)))).isTrue();
        assertThat(EventTypes.all().stream().map(EventTypes.EventType::payloadClass).filter(InternalFeed::mayLeaveOut)
                .toList()).containsExactlyInAnyOrder(AccessTokenIssued.class, IdTokenIssued.class);
    }
}
