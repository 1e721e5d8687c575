package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KafkaBrokerTest {

    @Test
    @Timeout(120)
    void aSingleNodeTakesATopicWithOneReplicaAndLeavesNothingBehind() throws Exception {
        Path logDir;
        try (KafkaBroker kafka = KafkaBroker.start()) {
            logDir = kafka.logDir();
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertEquals(1, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
                admin.createTopics(List.of(new NewTopic("tally.events", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertEquals(3, admin.describeTopics(List.of("tally.events")).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get("tally.events").partitions().size());
            }
        }
        assertFalse(Files.exists(logDir), "the log directory is removed when the broker stops");
    }
}
