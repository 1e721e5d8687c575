package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StreamLagProbeTest {
    @Test
    void readsTheAccessTokenLifetimeOfAnExplanation() {
        String body = "{\"tenant\":\"lag\",\"access_token\":{\"lifetime\":742,\"decided_by\":\"api.token_lifetime\"},"
                + "\"id_token\":{\"lifetime\":36000}}";
        assertEquals(742, StreamLagProbe.lifetimeIn(body));
    }

    @Test
    void anAnswerWithoutAnAccessTokenLifetimeIsNoMatch() {
        assertEquals(-1, StreamLagProbe.lifetimeIn("{\"id_token\":{\"lifetime\":36000}}"));
        assertEquals(-1, StreamLagProbe.lifetimeIn("{\"access_token\":{\"lifetime\":\"soon\"}}"));
        assertEquals(-1, StreamLagProbe.lifetimeIn("<html>503</html>"));
    }
}
