package dev.tally.command.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tally.command.refresh.RefreshFamilyCatalog.DueFamily;
import dev.tally.command.refresh.RefreshFamilyCatalog.FamilyRow;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyExpired;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenUsed;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import dev.tally.kernel.refresh.RotationMode;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The refresh family catalog on H2, the standalone server's database: the same migration and queries as on
 * PostgreSQL ({@link RefreshFamiliesOnPostgresTest} covers that side).
 */
class RefreshFamilyCatalogOnH2Test {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456Z");

    private RefreshFamilyCatalog catalog;
    private RefreshFamilyCatalogProjection projection;

    @BeforeEach
    void migrate() {
        DriverManagerDataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:refresh-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration/tally").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(h2);
        catalog = new RefreshFamilyCatalog(jdbc);
        projection = new RefreshFamilyCatalogProjection(jdbc);
    }

    @Test
    void familiesAreListedSweptAndEndedOnH2() {
        projection.on(started("rtf_idle", "acme", RotationMode.ROTATE, 600, 3600));
        projection.on(started("rtf_rotated", "acme", RotationMode.ROTATE_SLIDING, 600, 3600));
        projection.on(started("rtf_none", "acme", RotationMode.NONE, 600, 3600));
        projection.on(started("rtf_absolute", "acme", RotationMode.ROTATE, 0, 800));
        projection.on(started("rtf_other", "globex", RotationMode.ROTATE, 600, 3600));
        projection.on(new TokenRotated("rtf_rotated", "acme", "app", "usr_a", 2, hash(1), hash(2), false,
                T0.plusSeconds(300), T0.plusSeconds(3900), T0.plusSeconds(900), "jti-1"));
        projection.on(new RefreshTokenUsed("rtf_none", "acme", "app", "usr_a", T0.plusSeconds(400), T0.plusSeconds(1000),
                "jti-2"));
        Instant now = T0.plusSeconds(700);

        assertThat(catalog.due(now, 500)).containsExactlyInAnyOrder(new DueFamily("acme", "rtf_idle"),
                new DueFamily("globex", "rtf_other"));
        assertThat(catalog.due(now, 1)).hasSize(1);
        assertThat(catalog.due(T0.plusSeconds(800), 500)).contains(new DueFamily("acme", "rtf_absolute"));
        assertThat(catalog.liveFamiliesOfUser("acme", "usr_a", now)).extracting(FamilyRow::familyId)
                .containsExactly("rtf_absolute", "rtf_none", "rtf_rotated");
        assertThat(catalog.family("acme", "rtf_rotated")).get().isEqualTo(new FamilyRow("rtf_rotated", "app", "usr_a",
                "ses_1", "rotate-sliding", 2, T0, T0.plusSeconds(300), T0.plusSeconds(3900), T0.plusSeconds(900), null, null));
        assertThat(catalog.family("acme", "rtf_none")).get().isEqualTo(new FamilyRow("rtf_none", "app", "usr_a",
                "ses_1", "none", 1, T0, T0.plusSeconds(400), T0.plusSeconds(3600), T0.plusSeconds(1000), null, null));
        assertThat(catalog.family("acme", "rtf_absolute")).get().extracting(FamilyRow::lastUsedAt, FamilyRow::idleExpiresAt)
                .containsExactly(null, null);
        assertThat(catalog.family("globex", "rtf_rotated")).isEmpty();

        projection.on(new RefreshTokenFamilyExpired("rtf_idle", "acme", "usr_a", FamilyEndReason.IDLE,
                T0.plusSeconds(600), now));
        projection.on(new RefreshTokenFamilyRevoked("rtf_rotated", "acme", "usr_a", "ses_1", FamilyEndReason.REUSE, now));

        assertThat(catalog.due(now, 500)).containsExactly(new DueFamily("globex", "rtf_other"));
        assertThat(catalog.liveFamiliesOfUser("acme", "usr_a", now)).extracting(FamilyRow::familyId)
                .containsExactly("rtf_absolute", "rtf_none");
        assertThat(catalog.familiesOfUser("acme", "usr_a"))
                .extracting(FamilyRow::familyId, FamilyRow::endedAt, FamilyRow::endReason)
                .containsExactly(
                        tuple("rtf_absolute", null, null),
                        tuple("rtf_idle", T0.plusSeconds(600), "idle"),
                        tuple("rtf_none", null, null),
                        tuple("rtf_rotated", now, "reuse"));
    }

    private static RefreshTokenFamilyStarted started(String id, String tenant, RotationMode rotation, long idle,
                                                     long absolute) {
        return new RefreshTokenFamilyStarted(id, tenant, "app", "usr_a", "ses_1", hash(0), "openid", null, rotation,
                absolute, idle, 0, T0, T0.plusSeconds(absolute), idle == 0 ? null : T0.plusSeconds(idle));
    }

    private static String hash(int n) {
        return SecretHash.of("token-" + n);
    }
}
