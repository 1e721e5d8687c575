package dev.tally.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.projection.TrackingProcessorStatus;
import java.nio.charset.StandardCharsets;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;

/** Reading a processor's stored token: a replay token is read back, and "replaying" until it reaches its reset point. */
class ReplayStatusTest {
    @Test
    void aStoredReplayTokenReadsBackAndSaysReplayingUntilItReachesTheResetPosition() {
        QueryTokenStore tokens = new QueryTokenStore(() -> { throw new IllegalStateException("no database here"); });
        String json = "{\"tokenAtReset\":{\"@class\":\"org.axonframework.eventhandling.GapAwareTrackingToken\",\"index\":428,"
                + "\"gaps\":[]},\"currentToken\":{\"@class\":\"org.axonframework.eventhandling.GapAwareTrackingToken\","
                + "\"index\":0,\"gaps\":[]},\"context\":null}";
        TrackingToken token = tokens.serializer().deserialize(new SimpleSerializedObject<>(
                json.getBytes(StandardCharsets.UTF_8), byte[].class, ReplayToken.class.getName(), null));
        assertThat(token).isInstanceOf(ReplayToken.class);
        assertThat(TrackingProcessorStatus.replaying(token)).isTrue();

        GapAwareTrackingToken atReset = GapAwareTrackingToken.newInstance(428, java.util.Set.of());
        assertThat(TrackingProcessorStatus.replaying(new ReplayToken(atReset, GapAwareTrackingToken.newInstance(427, java.util.Set.of()))))
                .isTrue();
        assertThat(TrackingProcessorStatus.replaying(new ReplayToken(atReset, atReset))).isFalse();
        assertThat(TrackingProcessorStatus.replaying(atReset)).isFalse();
    }
}
