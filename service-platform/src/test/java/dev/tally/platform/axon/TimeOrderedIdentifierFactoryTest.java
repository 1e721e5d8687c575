package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.axonframework.common.IdentifierFactory;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

class TimeOrderedIdentifierFactoryTest {

    @Test
    void axonFindsTheFactoryAndGivesEventsTimeOrderedIds() {
        assertThat(IdentifierFactory.getInstance()).isInstanceOf(TimeOrderedIdentifierFactory.class);

        String first = GenericEventMessage.asEventMessage("one").getIdentifier();
        String second = GenericEventMessage.asEventMessage("two").getIdentifier();

        assertThat(UUID.fromString(first).version()).isEqualTo(7);
        assertThat(UUID.fromString(second).version()).isEqualTo(7);
        assertThat(UUID.fromString(second).getMostSignificantBits() >>> 16)
                .isGreaterThanOrEqualTo(UUID.fromString(first).getMostSignificantBits() >>> 16);
    }
}
