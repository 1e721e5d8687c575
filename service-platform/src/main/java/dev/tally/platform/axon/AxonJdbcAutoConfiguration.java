package dev.tally.platform.axon;

import java.time.Clock;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Axon's event store on JDBC, wired by hand because Axon 4.13's own auto-configuration misses it under Spring Boot 4:
 * <ul>
 *   <li>Axon's {@code TransactionAutoConfiguration} waits for Boot 3's transaction-manager auto-configuration by
 *   class name, which moved; without the bean below Axon silently runs on {@code NoTransactionManager}, so event
 *   appends and projection writes would not share one transaction.</li>
 *   <li>Axon's {@code JdbcAutoConfiguration} is conditional on a {@code DataSource} bean that Boot 4 has not yet
 *   defined when the condition is evaluated, leaving no event store at all.</li>
 * </ul>
 * The schema is Flyway's ({@code db/migration/tally/eventstore}), in snake_case, identical on PostgreSQL and H2.
 */
@AutoConfiguration(
        afterName = {
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
                "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"},
        beforeName = {
                "org.axonframework.springboot.autoconfig.TransactionAutoConfiguration",
                "org.axonframework.springboot.autoconfig.NoOpTransactionAutoConfiguration",
                "org.axonframework.springboot.autoconfig.JdbcAutoConfiguration",
                "org.axonframework.springboot.autoconfig.AxonAutoConfiguration"})
@EnableConfigurationProperties(EventStoreProperties.class)
public class AxonJdbcAutoConfiguration {
    /** How far behind the newest index a gap is still waited for: far enough that the gap timeout decides. */
    static final int MAX_GAP_OFFSET = 10_000_000;

    /**
     * Axon's embedded event store as its auto-configuration builds it, with the number of events it keeps in memory
     * for tailing processors set ({@link EventStoreProperties}): Axon's default, 10,000, was most of a busy node's live
     * heap (every access token's record, serialized and read, about 25 MB under the client-credentials load).
     */
    @Bean
    public EmbeddedEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration,
                                         EventStoreProperties properties) {
        return EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .cachedEvents(properties.cachedEvents())
                .build();
    }

    @Bean
    public TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
        return new SpringTransactionManager(transactionManager);
    }

    /**
     * The Spring transaction's connection, and nothing that outlives it. Every unit of work that touches the store runs
     * in a Spring transaction (the command bus's interceptor, each event processor's, the issuance log's template),
     * which binds one connection to its thread: the store, the token stores and the {@code JdbcTemplate}s of the
     * handlers share it, and each of them only borrows it for a statement.
     *
     * <p>Not Axon's default, {@code UnitOfWorkAwareConnectionProviderWrapper} around this: that keeps the connection
     * in the root unit of work as well and closes it again at the unit of work's cleanup, after the transaction has
     * committed and handed it back to the pool, by when the pool may have lent it to another thread. HikariCP's
     * {@code close()} of a connection already closed still clears the list of open statements it keeps per physical
     * connection, which is then the other thread's: a statement that thread was closing failed with
     * {@code ArrayIndexOutOfBoundsException} in {@code FastList.remove} (one in 200 concurrent revocations answered
     * 500). Every command did that second close.
     */
    @Bean
    public ConnectionProvider axonConnectionProvider(DataSource dataSource) {
        return new SpringDataSourceConnectionProvider(dataSource);
    }

    @Bean
    public EventSchema eventSchema() {
        return EventSchema.builder()
                .eventTable("domain_event_entry")
                .snapshotTable("snapshot_event_entry")
                .globalIndexColumn("global_index")
                .timestampColumn("time_stamp")
                .eventIdentifierColumn("event_identifier")
                .aggregateIdentifierColumn("aggregate_identifier")
                .sequenceNumberColumn("sequence_number")
                .typeColumn("type")
                .payloadTypeColumn("payload_type")
                .payloadRevisionColumn("payload_revision")
                .payloadColumn("payload")
                .metaDataColumn("meta_data")
                .build();
    }

    /**
     * Tells Axon that an append lost a race (a {@code ConcurrencyException}, not an {@code EventStoreException}).
     * Axon's {@code JdbcSQLErrorCodesResolver} recognises only {@code SQLIntegrityConstraintViolationException},
     * which H2 throws and PostgreSQL's driver does not; both report SQLState 23505 (unique violation), also inside
     * the batch exception of a batched insert.
     */
    @Bean
    public PersistenceExceptionResolver persistenceExceptionResolver() {
        return UniqueViolation::in;
    }

    @Bean
    public EventPositions eventPositions(DataSource dataSource) {
        return new EventPositions(dataSource);
    }

    /**
     * Which gaps in the store's indexes may still be filled (a view is complete only below the oldest of those).
     * Made with the other beans, before the services run a command or take a request: on an embedded store it then
     * learns which indexes an earlier process took.
     */
    @Bean
    public StoreGaps storeGaps(DataSource dataSource, Clock clock) {
        return new StoreGaps(dataSource, clock);
    }

    /**
     * Axon's JDBC engine, recording each tracked event's own global index ({@link EventPositions}). A gap in the
     * indexes (a transaction that has not committed yet) is waited for up to Axon's gap timeout (a minute, by the
     * events' timestamps), however many events commit after it: Axon's default also dropped a gap once 10,000 later
     * events had been read, which under load is a few seconds, and a transaction that committed after that was never
     * seen by any tracking processor. The read of a batch while gaps are waited for is {@link IndexedGapRead}: Axon's
     * made H2 scan the whole store. Gaps an earlier process of an embedded store left are dropped from the token a
     * batch is read from ({@link StoreGaps#withoutEarlierProcessesGaps}).
     */
    @Bean
    @DependsOnDatabaseInitialization
    public EventStorageEngine eventStorageEngine(Serializer serializer,
                                                 @Qualifier("eventSerializer") Serializer eventSerializer,
                                                 PersistenceExceptionResolver persistenceExceptionResolver,
                                                 org.axonframework.config.Configuration configuration,
                                                 ConnectionProvider connectionProvider,
                                                 TransactionManager transactionManager,
                                                 EventSchema eventSchema,
                                                 EventPositions positions,
                                                 StoreGaps gaps) {
        return new PositionRecordingEventStorageEngine(JdbcEventStorageEngine.builder()
                .snapshotSerializer(serializer)
                .eventSerializer(eventSerializer)
                .upcasterChain(configuration.upcasterChain())
                .snapshotFilter(configuration.snapshotFilter())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .schema(eventSchema)
                .maxGapOffset(MAX_GAP_OFFSET)
                .readEventDataWithGaps(new IndexedGapRead()), positions, gaps);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer) {
        return JdbcTokenStore.builder()
                .connectionProvider(connectionProvider)
                .schema(tokenSchema())
                .serializer(serializer)
                .build();
    }

    /** The streaming processors' positions: Flyway's {@code token_entry}, in snake_case. */
    public static TokenSchema tokenSchema() {
        return TokenSchema.builder()
                .setTokenTable("token_entry")
                .setProcessorNameColumn("processor_name")
                .setSegmentColumn("segment")
                .setTokenColumn("token")
                .setTokenTypeColumn("token_type")
                .setTimestampColumn("time_stamp")
                .setOwnerColumn("owner")
                .build();
    }
}
