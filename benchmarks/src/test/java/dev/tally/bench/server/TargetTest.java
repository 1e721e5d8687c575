package dev.tally.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetTest {

    private static Target running(List<String> tokenNodes, String adminUrl) {
        return new Target(tokenNodes, adminUrl, "t", null, -1, Optional.empty(), null);
    }

    @Test
    void tokenNodesOtherThanTheManagementApiLearnFromTheStream() {
        assertFalse(running(List.of("http://127.0.0.1:8080"), "http://127.0.0.1:8080").separateNodes(),
                "one server knows what was provisioned through it at once");
        assertTrue(running(List.of("http://127.0.0.1:8081"), "http://127.0.0.1:8080").separateNodes());
        assertTrue(running(List.of("http://127.0.0.1:8080", "http://127.0.0.1:8081"), "http://127.0.0.1:8080")
                .separateNodes());
    }

    @Test
    void theReportNamesEveryTokenNode() {
        assertEquals("http://127.0.0.1:8081,http://127.0.0.1:8082",
                running(List.of("http://127.0.0.1:8081", "http://127.0.0.1:8082"), "http://127.0.0.1:8080").baseUrl());
    }
}
