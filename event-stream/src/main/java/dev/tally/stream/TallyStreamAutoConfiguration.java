package dev.tally.stream;

import dev.tally.kernel.stream.InternalFeed;
import dev.tally.platform.axon.AxonJdbcAutoConfiguration;
import dev.tally.platform.axon.EventPositions;
import dev.tally.platform.projection.ProcessorFailures;
import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.platform.projection.ProjectionStatusSource;
import dev.tally.platform.projection.TrackingProcessorStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The event stream on Kafka, only with {@code tally.stream.enabled=true}: the codec and the consumers' factory for
 * every service, and the relay (unless {@code tally.stream.relay.enabled=false}) as the tracking processor
 * {@value KafkaRelay#PROCESSOR}.
 */
@AutoConfiguration(after = AxonJdbcAutoConfiguration.class)
@ConditionalOnProperty(prefix = "tally.stream", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(StreamProperties.class)
public class TallyStreamAutoConfiguration {

    @Bean
    public CloudEventCodec cloudEventCodec(@Qualifier("eventSerializer") Serializer eventSerializer,
                                           StreamProperties properties) {
        return new CloudEventCodec(eventSerializer, properties.includeSecrets());
    }

    @Bean
    public TallyEventConsumers tallyEventConsumers(StreamProperties properties, CloudEventCodec codec) {
        return new TallyEventConsumers(properties, codec);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "tally.stream.relay", name = "enabled", havingValue = "true", matchIfMissing = true)
    public static class Relay {
        private static final Logger LOG = LoggerFactory.getLogger(KafkaRelay.class);

        @Bean
        public KafkaRelay kafkaRelay(StreamProperties properties, CloudEventCodec codec,
                                     @Qualifier("eventSerializer") Serializer eventSerializer,
                                     EventPositions positions, ObjectProvider<MeterRegistry> meters) {
            StreamProperties.Relay relay = properties.relay();
            Duration ackTimeout = relay.deliveryTimeout().plus(relay.maxBlock()).plusSeconds(5);
            KafkaRelay.Topic topic = new KafkaRelay.Topic(properties.topic(), properties.partitions(),
                    Optional.ofNullable(properties.replicationFactor()),
                    StreamClients.adminConfig(properties, relay.maxBlock()));
            List<KafkaRelay.Target> targets = new ArrayList<>();
            targets.add(new KafkaRelay.Target(topic, codec));
            properties.internal().ifPresent(internal -> targets.add(new KafkaRelay.Target(
                    new KafkaRelay.Topic(internal, properties.partitions(), topic.replicationFactor(), topic.adminConfig()),
                    new CloudEventCodec(eventSerializer, true), InternalFeed::carries)));
            LOG.info("relaying the event store to Kafka topic {} (secrets {}){} at {} (batches of {}, delivery timeout {})",
                    properties.topic(), properties.includeSecrets() ? "included" : "removed",
                    properties.internal().map(t -> " and internal topic " + t + " (secrets included, only what the token service needs)").orElse(""),
                    properties.bootstrapServers(), relay.batchSize(), relay.deliveryTimeout());
            KafkaRelay kafkaRelay = new KafkaRelay(targets, positions::of,
                    () -> new KafkaProducer<>(StreamClients.producerConfig(properties)), ackTimeout);
            meters.ifAvailable(registry -> FunctionCounter.builder("tally.relay.kafka.errors", kafkaRelay, KafkaRelay::kafkaErrors)
                    .description("batches Kafka did not acknowledge and topics it could not create; each is retried")
                    .register(registry));
            return kafkaRelay;
        }

        @Bean
        public RelayPosition relayPosition(JdbcTemplate jdbc, Serializer serializer, TrackingProcessorStatus processors,
                                           ObjectProvider<MeterRegistry> meters) {
            RelayPosition position = new RelayPosition(jdbc, serializer, processors);
            meters.ifAvailable(registry -> Gauge.builder("tally.relay.lag", () -> {
                        try {
                            return position.lag();
                        } catch (RuntimeException e) {
                            return Double.NaN;
                        }
                    })
                    .description("events in the event store that the relay has not yet published to Kafka")
                    .register(registry));
            return position;
        }

        /**
         * One segment, one thread: the store's order is the order of publication. A failure propagates, so the batch
         * rolls back with its token and is tried again (Axon's default would log it and move on, losing the event).
         * A class of its own, as it needs the relay bean defined above.
         */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnProperty(prefix = "tally.stream.relay", name = "enabled", havingValue = "true", matchIfMissing = true)
        public static class Processor {
            @Autowired
            void registerProcessor(EventProcessingConfigurer processing, KafkaRelay relay, StreamProperties properties,
                                   ProcessorFailures failures) {
                processing.registerEventHandler(c -> relay);
                processing.assignHandlerInstancesMatching(KafkaRelay.PROCESSOR, Integer.MAX_VALUE, handler -> handler == relay);
                processing.registerTrackingEventProcessor(KafkaRelay.PROCESSOR, c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andInitialSegmentsCount(1)
                                .andBatchSize(properties.relay().batchSize())
                                .andInitialTrackingToken(StreamableMessageSource::createTailToken));
                processing.registerListenerInvocationErrorHandler(KafkaRelay.PROCESSOR,
                        c -> PropagatingErrorHandler.instance());
                failures.watch(processing, KafkaRelay.PROCESSOR);
            }

            /** The relay in {@code /admin/projections} and the health indicator, as {@value KafkaRelay#PROCESSOR}. */
            @Bean
            public ProjectionStatusSource relayStatus(TrackingProcessorStatus processors, Serializer serializer) {
                return new ProjectionStatusSource() {
                    @Override
                    public List<String> projectionNames() {
                        return List.of(KafkaRelay.PROCESSOR);
                    }

                    @Override
                    public ProjectionStatus projectionStatus(String name) {
                        return processors.status(name, KafkaRelay.PROCESSOR, serializer);
                    }
                };
            }
        }
    }
}
