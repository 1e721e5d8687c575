package dev.tally.token.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.code.CodeEvents.AuthorizationCodeReused;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

class RevocationViewTest {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final RevocationCause CAUSE = RevocationCause.clientRequest("app");

    private final RevocationView view = new RevocationView();

    private void apply(Object... events) {
        for (Object e : events) {
            view.apply(GenericEventMessage.asEventMessage(e));
        }
    }

    private boolean revoked(String tenant, String jti, String subject, Instant iat, String sid, String fid) {
        return view.revoked(tenant, jti, subject, iat, sid, fid);
    }

    static AccessTokenIssued issued(String tenant, String jti, String subject, Instant iat, long lifetime, String sid, String fid) {
        return new AccessTokenIssued(tenant, jti, "app", subject, "https://api.test", null, "authorization_code", iat,
                iat.plusSeconds(lifetime), lifetime, "api", List.of(), sid, fid);
    }

    @Test
    void aRevokedJtiIsRevokedInItsTenantOnlyUntilItsExpiry() {
        apply(new AccessTokenRevoked("acme", "jti-1", "app", "usr_1", T0.plusSeconds(600), T0, CAUSE));

        assertThat(revoked("acme", "jti-1", "usr_1", T0, null, null)).isTrue();
        assertThat(revoked("globex", "jti-1", "usr_1", T0, null, null)).isFalse();
        assertThat(revoked("acme", "jti-2", "usr_1", T0, null, null)).isFalse();
        assertThat(view.tokenRevoked("acme", "jti-1")).isTrue();

        assertThat(view.prune(T0.plusSeconds(600))).isZero();
        assertThat(view.prune(T0.plusSeconds(601))).isEqualTo(1);
        assertThat(revoked("acme", "jti-1", "usr_1", T0, null, null)).isFalse();
    }

    @Test
    void theTokensOfAReusedAuthorizationCodeAreRevoked() {
        apply(new AuthorizationCodeReused("code:x", "acme", "app", "usr_1", List.of("jti-a", "jti-i"), T0));

        assertThat(revoked("acme", "jti-a", "usr_1", T0, null, null)).isTrue();
        assertThat(revoked("acme", "jti-i", "usr_1", T0, null, null)).isTrue();
        view.prune(T0.plus(Duration.ofDays(365)));
        assertThat(revoked("acme", "jti-a", "usr_1", T0, null, null)).as("their expiry is unknown: kept").isTrue();
    }

    @Test
    void aRevokedSessionRevokesItsTokensUntilTheLastOneExpires() {
        apply(issued("acme", "j1", "usr_1", T0, 600, "ses_1", null),
                issued("acme", "j2", "usr_1", T0.plusSeconds(60), 3600, "ses_1", null),
                new SessionRevoked("ses_1", "acme", "usr_1", SessionEndReason.LOGOUT, T0.plusSeconds(120), null));

        assertThat(revoked("acme", "j1", "usr_1", T0, "ses_1", null)).isTrue();
        assertThat(revoked("globex", "j1", "usr_1", T0, "ses_1", null)).isFalse();
        assertThat(revoked("acme", "j3", "usr_1", T0, "ses_2", null)).isFalse();

        view.prune(T0.plusSeconds(3660));
        assertThat(revoked("acme", "j2", "usr_1", T0.plusSeconds(60), "ses_1", null)).as("j2 expires at 3660").isTrue();
        view.prune(T0.plusSeconds(3661));
        assertThat(revoked("acme", "j2", "usr_1", T0.plusSeconds(60), "ses_1", null)).isFalse();
        assertThat(view.size()).isZero();
    }

    @Test
    void aTokenWhoseIssuanceRecordArrivesAfterTheRevocationKeepsTheRevocationAlive() {
        apply(new SessionRevoked("ses_1", "acme", "usr_1", SessionEndReason.LOGOUT, T0, null));
        // Signed in the session just before its revocation, recorded just after.
        apply(issued("acme", "late", "usr_1", T0, 7200, "ses_1", null));

        view.prune(T0.plus(RevocationView.GRACE).plusSeconds(1));
        assertThat(revoked("acme", "late", "usr_1", T0, "ses_1", null)).isTrue();
        view.prune(T0.plusSeconds(7201));
        assertThat(revoked("acme", "late", "usr_1", T0, "ses_1", null)).isFalse();
    }

    @Test
    void aRevokedSessionWithNoKnownTokensIsKeptForTheGraceForTokensInFlight() {
        apply(new SessionRevoked("ses_1", "acme", "usr_1", SessionEndReason.ADMINISTRATOR, T0, null));
        view.prune(T0.plus(RevocationView.GRACE));
        assertThat(revoked("acme", "j", "usr_1", T0, "ses_1", null)).isTrue();
        view.prune(T0.plus(RevocationView.GRACE).plusSeconds(1));
        assertThat(revoked("acme", "j", "usr_1", T0, "ses_1", null)).isFalse();
    }

    @Test
    void aRevokedFamilyRevokesTheAccessTokensIssuedFromIt() {
        apply(issued("acme", "j1", "usr_1", T0, 600, null, "rtf_1"),
                new RefreshTokenFamilyRevoked("rtf_1", "acme", "usr_1", null, FamilyEndReason.REVOKED_BY_CLIENT,
                        T0.plusSeconds(10), CAUSE));

        assertThat(revoked("acme", "j1", "usr_1", T0, null, "rtf_1")).isTrue();
        assertThat(revoked("acme", "j2", "usr_1", T0, null, "rtf_2")).isFalse();
        assertThat(revoked("globex", "j1", "usr_1", T0, null, "rtf_1")).isFalse();
    }

    @Test
    void notBeforeRefusesTokensIssuedBeforeItComparedAsFullInstantsAndNeverMovesBack() {
        Instant notBefore = T0.plusMillis(500);
        apply(new UserTokensRevoked("usr_1", "acme", notBefore, RevocationCause.permissionChange("pc_1")));

        assertThat(revoked("acme", "j", "usr_1", T0, null, null)).as("iat 10:00:00 < 10:00:00.500").isTrue();
        assertThat(revoked("acme", "j", "usr_1", notBefore, null, null)).isFalse();
        assertThat(revoked("acme", "j", "usr_1", T0.plusSeconds(1), null, null)).isFalse();
        assertThat(revoked("acme", "j", "usr_2", T0, null, null)).isFalse();
        assertThat(revoked("globex", "j", "usr_1", T0, null, null)).isFalse();

        apply(new UserTokensRevoked("usr_1", "acme", T0.minusSeconds(60), RevocationCause.permissionChange("pc_0")));
        assertThat(revoked("acme", "j", "usr_1", T0, null, null)).isTrue();
        view.prune(T0.plus(Duration.ofDays(400)));
        assertThat(revoked("acme", "j", "usr_1", T0, null, null)).isTrue();
    }

    @Test
    void aDeletedUsersTokensAreAllRevoked() {
        apply(new UserDeleted("usr_1", "acme", "alice"));
        assertThat(revoked("acme", "j", "usr_1", T0.plus(Duration.ofDays(3650)), null, null)).isTrue();
        assertThat(revoked("acme", "j", "usr_2", T0, null, null)).isFalse();
    }

    @Test
    void applyingEventsTwiceOrInAnotherOrderGivesTheSameView() {
        Object[] events = {issued("acme", "j1", "usr_1", T0, 600, "ses_1", "rtf_1"),
                new SessionRevoked("ses_1", "acme", "usr_1", SessionEndReason.LOGOUT, T0.plusSeconds(5), null),
                new AccessTokenRevoked("acme", "j9", "app", "usr_1", T0.plusSeconds(900), T0, CAUSE)};
        apply(events);
        int size = view.size();
        apply(events);
        assertThat(view.size()).isEqualTo(size);
        assertThat(revoked("acme", "j1", "usr_1", T0, "ses_1", "rtf_1")).isTrue();
        assertThat(revoked("acme", "j9", "usr_1", T0, null, null)).isTrue();
    }

    @Test
    void eventsItDoesNotHandleAreIgnored() {
        assertThat(RevocationView.handles(TokenRotated.class)).isFalse();
        assertThat(view.apply(GenericEventMessage.asEventMessage(new TokenRotated("rtf_1", "acme", "app", "usr_1", 2, "a",
                "b", false, T0, T0, null, "j")))).isFalse();
        assertThat(view.size()).isZero();
        assertThat(RevocationView.handles(AccessTokenIssued.class)).isTrue();
        assertThat(RevocationView.handles(AccessTokenRevoked.class)).isTrue();
    }
}
