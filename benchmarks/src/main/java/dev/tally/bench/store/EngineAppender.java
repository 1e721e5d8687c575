package dev.tally.bench.store;

import dev.tally.platform.axon.AxonJdbcAutoConfiguration;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.AnnotationRevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;

/**
 * Appends through Axon's {@code JdbcEventStorageEngine} with the server's own schema ({@link AxonJdbcAutoConfiguration})
 * and serializer (Axon's Jackson 3 serializer with annotated revisions, which {@code axon.serializer.*=jackson3}
 * selects), in batches of one transaction each. Each payload is first read into its event record by that serializer,
 * so a copy the server could not read fails here, not at the server's start.
 */
public final class EngineAppender implements AutoCloseable {
    private final Connection connection;
    private final JdbcEventStorageEngine engine;
    private final Serializer serializer;
    private final int batchSize;
    private final List<EventMessage<?>> batch = new ArrayList<>();
    private long appended;

    public EngineAppender(Connection connection, int batchSize) throws SQLException {
        this.connection = connection;
        this.batchSize = batchSize;
        connection.setAutoCommit(false);
        this.serializer = Jackson3Serializer.builder().revisionResolver(new AnnotationRevisionResolver()).build();
        // the engine closes each connection it borrowed; this one stays open for the next batch
        Connection borrowed = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> method.getName().equals("close")
                        ? null : method.invoke(connection, args));
        this.engine = JdbcEventStorageEngine.builder()
                .snapshotSerializer(serializer)
                .eventSerializer(serializer)
                .connectionProvider(() -> borrowed)
                .transactionManager(NoTransactionManager.INSTANCE)
                .schema(new AxonJdbcAutoConfiguration().eventSchema())
                .build();
    }

    public void append(SyntheticEvent e) throws SQLException {
        Object payload = serializer.deserialize(new SimpleSerializedObject<>(
                e.payload().toString().getBytes(StandardCharsets.UTF_8), byte[].class, e.payloadType(), e.revision()));
        MetaData meta = MetaData.from(e.metaData());
        EventMessage<?> message = e.domain()
                ? new GenericDomainEventMessage<>(e.aggregateType(), e.aggregateId(), e.sequence(),
                        new GenericMessage<>(e.eventId(), payload, meta), e::timestamp)
                : new GenericEventMessage<>(new GenericMessage<>(e.eventId(), payload, meta), e::timestamp);
        batch.add(message);
        if (batch.size() >= batchSize) {
            flush();
        }
    }

    public void flush() throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        engine.appendEvents(batch);
        connection.commit();
        appended += batch.size();
        batch.clear();
    }

    public long appended() {
        return appended;
    }

    @Override
    public void close() throws SQLException {
        flush();
        connection.close();
    }
}
