package dev.tally.token.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tally.token.settings.TokenNodeProperties;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A shutdown does not wait on a database it cannot reach: the last checkpoint is given a bounded wait. Before, the
 * pool's connection timeout (30 s) held the JVM's exit whenever a test's database was dropped before its context
 * closed.
 */
class ViewCheckpointsShutdownTest {

    @Test
    void stopReturnsWhileTheLastCheckpointStillWaitsForAnUnreachableDatabase() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort() + "/gone");
        config.setUsername("postgres");
        config.setConnectionTimeout(8_000); // the default is 30 s; 8 s is still many times the wait given below
        config.setInitializationFailTimeout(-1);
        try (HikariDataSource unreachable = new HikariDataSource(config)) {
            TokenNodeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
                    .bindOrCreate("tally.token", TokenNodeProperties.class);
            ViewCheckpoints checkpoints = new ViewCheckpoints(new JdbcTemplate(unreachable), null, null, null,
                    Clock.systemUTC(), properties);
            checkpoints.lastWriteWait = Duration.ofMillis(300);
            checkpoints.start();

            assertTimeoutPreemptively(Duration.ofSeconds(4), () -> checkpoints.stop(),
                    "stop() waits the pool's connection timeout");

            assertThat(lastWriter()).as("the last checkpoint's writer, still waiting for a connection")
                    .hasValueSatisfying(thread -> assertThat(thread.isAlive()).isTrue());
            assertThat(checkpoints.isRunning()).isFalse();
        }
    }

    private static Optional<Thread> lastWriter() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("tally-view-checkpoint-last"))
                .findFirst();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
