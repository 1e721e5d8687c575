package dev.tally.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Kafka only when asked for: the standalone server and every service by default have no stream beans at all. */
class TallyStreamAutoConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    static class EventSerializer {
        @Bean
        Serializer eventSerializer() {
            return Jackson3Serializer.builder().build();
        }
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TallyStreamAutoConfiguration.class))
            .withUserConfiguration(EventSerializer.class);

    @Test
    void offByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(KafkaRelay.class);
            assertThat(context).doesNotHaveBean(CloudEventCodec.class);
            assertThat(context).doesNotHaveBean(TallyEventConsumers.class);
        });
    }

    @Test
    void aConsumingServiceCanLeaveTheRelayToOthers() {
        runner.withPropertyValues("tally.stream.enabled=true", "tally.stream.bootstrap-servers=127.0.0.1:9",
                "tally.stream.relay.enabled=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(TallyEventConsumers.class);
                    assertThat(context).doesNotHaveBean(KafkaRelay.class);
                    assertThat(context.getBean(StreamProperties.class).topic()).isEqualTo("tally.events");
                    assertThat(context.getBean(StreamProperties.class).partitions()).isEqualTo(6);
                    assertThat(context.getBean(StreamProperties.class).includeSecrets()).isFalse();
                });
    }

    @Test
    void enabledWithoutBrokersIsAClearStartupError() {
        runner.withPropertyValues("tally.stream.enabled=true", "tally.stream.relay.enabled=false").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("tally.stream.bootstrap-servers is not set");
        });
    }
}
