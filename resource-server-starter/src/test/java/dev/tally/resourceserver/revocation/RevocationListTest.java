package dev.tally.resourceserver.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Entries as {@code GET /t/{tenant}/revocations} lists them: what each refuses, and when it is forgotten. */
class RevocationListTest {
    static final Instant T = Instant.parse("2026-12-05T10:00:00Z");
    static final Duration RETENTION = Duration.ofHours(1);

    final RevocationList list = new RevocationList(RETENTION);

    @Test
    void aRevokedJtiIsRefusedUntilItsTokenExpiresAndThenForgotten() {
        assertThat(list.apply(Map.of("kind", "jti", "jti", "j1", "subject", "usr_1", "expires_at", "2026-12-05T10:10:00Z",
                "revoked_at", T.toString()))).isTrue();

        assertThat(list.revoked("j1", null, null, "usr_1", T, "k1")).isEqualTo("the token was revoked");
        assertThat(list.revoked("j2", null, null, "usr_1", T, "k1")).isNull();
        assertThat(list.prune(T.plusSeconds(599))).isZero();
        assertThat(list.prune(T.plusSeconds(601))).isEqualTo(1);
        assertThat(list.size()).isZero();
    }

    @Test
    void sessionsFamiliesAndKeysAreRefusedForTheRetentionAfterTheirRevocation() {
        list.apply(Map.of("kind", "session", "session_id", "ses_1", "revoked_at", T.toString()));
        list.apply(Map.of("kind", "family", "family_id", "rtf_1", "revoked_at", T.toString()));
        list.apply(Map.of("kind", "signing_key", "kid", "k1", "revoked_at", T.toString()));

        assertThat(list.revoked("j", "ses_1", null, "usr_1", T, "k2")).isEqualTo("the token's session was revoked");
        assertThat(list.revoked("j", "ses_2", "rtf_1", "usr_1", T, "k2"))
                .isEqualTo("the token's refresh token family was revoked");
        assertThat(list.revoked("j", null, null, "usr_1", T, "k1")).isEqualTo("the token's signing key was revoked");
        assertThat(list.revoked("j", "ses_2", "rtf_2", "usr_1", T, "k2")).isNull();
        assertThat(list.prune(T.plus(RETENTION))).isZero();
        assertThat(list.prune(T.plus(RETENTION).plusSeconds(1))).isEqualTo(3);
    }

    @Test
    void aSubjectsNotBeforeRefusesOnlyTokensIssuedBeforeItAndTheLatestWins() {
        list.apply(Map.of("kind", "subject", "subject", "usr_1", "not_before", T.toString(), "revoked_at", T.toString()));
        list.apply(Map.of("kind", "subject", "subject", "usr_1", "not_before", T.minusSeconds(60).toString(),
                "revoked_at", T.toString()));

        assertThat(list.revoked("j", null, null, "usr_1", T.minusSeconds(1), null)).startsWith("the subject's tokens");
        assertThat(list.revoked("j", null, null, "usr_1", T, null)).isNull();
        assertThat(list.revoked("j", null, null, "usr_1", null, null)).as("no iat").isNotNull();
        assertThat(list.revoked("j", null, null, "usr_2", T.minusSeconds(1), null)).isNull();
        assertThat(list.size()).isEqualTo(1);
    }

    @Test
    void aDeletedUsersNotBeforeAtTheEndOfTimeIsKeptForGood() {
        list.apply(Map.of("kind", "subject", "subject", "usr_1", "not_before", Instant.MAX.toString(),
                "revoked_at", T.toString()));

        assertThat(list.prune(T.plus(Duration.ofDays(36500)))).isZero();
        assertThat(list.revoked("j", null, null, "usr_1", T.plus(Duration.ofDays(1)), null)).isNotNull();
    }

    /** A newer Tally may list kinds this version does not know: they are skipped, not an error. */
    @Test
    void entriesOfUnknownKindsOrWithoutTheirIdAreSkipped() {
        assertThat(list.apply(Map.of("kind", "device", "device_id", "d1", "revoked_at", T.toString()))).isFalse();
        assertThat(list.apply(Map.of("kind", "jti", "revoked_at", T.toString()))).isFalse();
        assertThat(list.apply(Map.of("kind", "subject", "subject", "usr_1", "not_before", "yesterday"))).isFalse();

        assertThat(list.size()).isZero();
    }

    @Test
    void aJtiWithoutExpiryIsKeptForTheRetention() {
        list.apply(Map.of("kind", "jti", "jti", "j1", "revoked_at", T.toString()));

        assertThat(list.prune(T.plus(RETENTION))).isZero();
        assertThat(list.prune(T.plus(RETENTION).plusSeconds(1))).isEqualTo(1);
    }
}
