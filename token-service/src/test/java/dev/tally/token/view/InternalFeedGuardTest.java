package dev.tally.token.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.stream.EventTypes;
import dev.tally.kernel.stream.InternalFeed;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

/**
 * The internal topic is the token service's only feed in distributed mode, and {@link InternalFeed} leaves some events
 * out of it. This guard fails if the token views ({@link TokenConfig}, {@link RevocationView}) start to need any of
 * them: then the rule must change with the view.
 */
class InternalFeedGuardTest {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void everyKernelEventTypeTheRuleMayLeaveOutIsOneTheViewsIgnoreOrTheMachineTokenCase() {
        List<Class<?>> mayLeaveOut = new ArrayList<>();
        for (EventTypes.EventType type : EventTypes.all()) {
            Class<?> c = type.payloadClass();
            if (!InternalFeed.mayLeaveOut(c)) {
                continue;
            }
            mayLeaveOut.add(c);
            assertThat(TokenConfig.handles(c))
                    .as("the token configuration needs %s, which the internal topic may leave out", c).isFalse();
            if (c != AccessTokenIssued.class) {
                // AccessTokenIssued: the revocation view handles the type; the events of it left out are shown to be
                // ignored below
                assertThat(RevocationView.handles(c))
                        .as("the revocation view needs %s, which the internal topic leaves out", c).isFalse();
            }
        }
        assertThat(mayLeaveOut).as("a type the rule starts to drop needs a case in this guard")
                .containsExactlyInAnyOrder(AccessTokenIssued.class, IdTokenIssued.class);
        assertThat(TokenConfig.handles(IdTokenIssued.class)).isFalse();
        assertThat(RevocationView.handles(IdTokenIssued.class)).isFalse();
    }

    @Test
    void theRuleLeavesOutExactlyTheAccessTokensWithoutSessionOrFamilyAndTheIdTokens() {
        assertThat(InternalFeed.carries(token("jti-m", "usr_1", T0, null, null))).isFalse();
        assertThat(InternalFeed.carries(token("jti-s", "usr_1", T0, "ses_1", null))).isTrue();
        assertThat(InternalFeed.carries(token("jti-f", "usr_1", T0, null, "fam_1"))).isTrue();
        assertThat(InternalFeed.carries(new IdTokenIssued("acme", "id-1", "app", "usr_1", "ses_1", T0,
                T0.plusSeconds(600), 600, "client.id_token_lifetime", List.of()))).isFalse();
    }

    /**
     * Two views get the same events, one also machine tokens (no session, no family) before and after every other
     * event, with the same tenant, subjects and jtis as the others and a longer life: every answer and every prune
     * is the same, so leaving them out of the feed changes nothing.
     */
    @Test
    void anAccessTokenWithoutSessionOrFamilyChangesNothingObservableInTheRevocationView() {
        RevocationView fed = new RevocationView();
        RevocationView withMachineTokens = new RevocationView();
        List<Object> events = List.of(
                token("jti-s1", "usr_1", T0, "ses_1", null),
                token("jti-f1", "usr_1", T0, null, "fam_1"),
                new SessionRevoked("ses_1", "acme", "usr_1", SessionEndReason.LOGOUT, T0.plusSeconds(60), null),
                new RefreshTokenFamilyRevoked("fam_1", "acme", "usr_1", null, FamilyEndReason.REVOKED_BY_CLIENT,
                        T0.plusSeconds(60), null),
                new SessionRevoked("ses_2", "acme", "usr_2", SessionEndReason.LOGOUT, T0.plusSeconds(90), null),
                new AccessTokenRevoked("acme", "jti-m1", "app", "usr_1", T0.plusSeconds(300), T0.plusSeconds(100), null),
                new UserTokensRevoked("usr_3", "acme", T0.plusSeconds(120), null),
                token("jti-s3", "usr_2", T0.plusSeconds(130), "ses_3", null));
        int n = 0;
        for (Object e : events) {
            fed.apply(GenericEventMessage.asEventMessage(e));
            withMachineTokens.apply(GenericEventMessage.asEventMessage(token("jti-m" + n++, "usr_1", T0, null, null)));
            withMachineTokens.apply(GenericEventMessage.asEventMessage(e));
            withMachineTokens.apply(GenericEventMessage.asEventMessage(token("jti-m" + n++, "usr_2",
                    T0.plusSeconds(n), null, null)));
        }
        assertThat(fed.size()).as("the view holds entries").isPositive();
        assertThat(withMachineTokens.size()).isEqualTo(fed.size());
        assertSameAnswers(fed, withMachineTokens);
        for (long after : new long[] {120, 400, 700, 3000, 7200, 100_000}) {
            assertThat(withMachineTokens.prune(T0.plusSeconds(after))).as("prune at +%d s", after)
                    .isEqualTo(fed.prune(T0.plusSeconds(after)));
            assertThat(withMachineTokens.size()).isEqualTo(fed.size());
            assertSameAnswers(fed, withMachineTokens);
        }
    }

    /** Tenant acme; a machine token (no session, no family) lives 10 h, others 10 min. */
    private static AccessTokenIssued token(String jti, String subject, Instant iat, String sessionId, String familyId) {
        boolean machine = sessionId == null && familyId == null;
        long lifetime = machine ? 36_000 : 600;
        return new AccessTokenIssued("acme", jti, "app", subject, "https://api.test", "read",
                machine ? "client_credentials" : "authorization_code", iat, iat.plusSeconds(lifetime), lifetime,
                "api.token_lifetime", List.of(), sessionId, familyId);
    }

    private static void assertSameAnswers(RevocationView expected, RevocationView actual) {
        int revoked = 0;
        for (String jti : new String[] {null, "jti-s1", "jti-f1", "jti-m1", "jti-m2", "jti-x"}) {
            for (String subject : new String[] {null, "usr_1", "usr_2", "usr_3"}) {
                for (Instant iat : new Instant[] {null, T0, T0.plusSeconds(200)}) {
                    for (String sid : new String[] {null, "ses_1", "ses_2", "ses_3"}) {
                        for (String fid : new String[] {null, "fam_1", "fam_2"}) {
                            boolean answer = expected.revoked("acme", jti, subject, iat, sid, fid);
                            assertThat(actual.revoked("acme", jti, subject, iat, sid, fid))
                                    .as("revoked(%s, %s, %s, %s, %s)", jti, subject, iat, sid, fid).isEqualTo(answer);
                            revoked += answer ? 1 : 0;
                        }
                    }
                }
            }
            if (jti != null) {
                assertThat(actual.tokenRevoked("acme", jti)).isEqualTo(expected.tokenRevoked("acme", jti));
            }
        }
        assertThat(revoked).as("some probes are revoked (a subject's \"not before\" is kept for good)").isPositive();
    }
}
