package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createApi;
import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.command.retention.IssuanceRecordPruner;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Without {@code tally.retention.export-dir} the server starts, a retention may be set, and nothing is pruned. */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RetentionWithoutExportDirTest.Clocks.class)
class RetentionWithoutExportDirTest {
    static final String ADMIN = "retention-no-dir-admin";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock noExportDirClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-retention-no-dir");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.retention.prune-interval", () -> "1000h");
    }

    @LocalServerPort
    int port;
    @Autowired
    IssuanceRecordPruner pruner;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aTenantWithRetentionIsSkippedAndKeepsItsRecords() {
        TestHttp http = new TestHttp("http://localhost:" + port, ADMIN);
        createTenant(http, "no-dir", null);
        createApi(http, "no-dir", "https://api.no-dir.test", 600);
        Client client = createMachineClient(http, "no-dir");
        assertThat(token(http, "no-dir", client, "https://api.no-dir.test").status()).isEqualTo(200);
        assertThat(http.admin("PATCH", "/admin/tenants/no-dir", Map.of("issuance_record_retention",
                Duration.ofDays(31).toSeconds())).status()).isEqualTo(200);
        CLOCK.advance(Duration.ofDays(60));

        IssuanceRecordPruner.Outcome outcome = pruner.prune();

        assertThat(outcome.skipped()).containsExactly("no-dir");
        assertThat(outcome.pruned()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE payload_type = ?", Integer.class,
                AccessTokenIssued.class.getName())).isEqualTo(1);
    }
}
