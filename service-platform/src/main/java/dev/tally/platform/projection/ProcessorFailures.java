package dev.tally.platform.projection;

import dev.tally.platform.axon.EventPositions;
import dev.tally.platform.projection.ProjectionStatus.Failure;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.ErrorContext;
import org.axonframework.eventhandling.ErrorHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Remembers why a tracking processor is failing, so its status can say so ({@link ProjectionStatus#FAILING}) instead
 * of "live" while its lag grows. A batch that fails is rolled back and retried by Axon with a growing pause (up to a
 * minute); each failure is recorded in {@code processor_failure} (in its own transaction), and the next batch that
 * commits deletes the record in its own transaction, so "failing" ends exactly when the processor moves again. A
 * failure that comes before any batch (the store cannot be read) is not recorded, but this node's processor reports it
 * itself, and {@link #failure} includes it.
 */
public class ProcessorFailures {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorFailures.class);
    private static final int MAX_MESSAGE = 2000;
    private static final String CLEARS = ProcessorFailures.class.getName() + ".clears";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final EventPositions positions;
    private final ObjectProvider<EventProcessingConfiguration> processing;

    public ProcessorFailures(DataSource dataSource, Clock clock, EventPositions positions,
                             ObjectProvider<EventProcessingConfiguration> processing) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.clock = clock;
        this.positions = positions;
        this.processing = processing;
    }

    /** Records the failures of the tracking processor {@code processor} and clears them when it commits again. */
    public void watch(EventProcessingConfigurer configurer, String processor) {
        configurer.registerErrorHandler(processor, c -> errorHandler());
        configurer.registerHandlerInterceptor(processor, c -> clearOnCommit(processor));
    }

    /** Records the failure, then propagates it, so the batch is retried (Axon's tracking processor pauses first). */
    ErrorHandler errorHandler() {
        return (ErrorContext context) -> {
            record(context.eventProcessor(), context.error(), context.failedEvents());
            if (context.error() instanceof Exception e) {
                throw e;
            }
            throw (Error) context.error();
        };
    }

    MessageHandlerInterceptor<EventMessage<?>> clearOnCommit(String processor) {
        return (unitOfWork, chain) -> {
            UnitOfWork<?> root = unitOfWork.root();
            root.getOrComputeResource(CLEARS, key -> {
                root.onPrepareCommit(u -> jdbc.update("DELETE FROM processor_failure WHERE processor_name = ?", processor));
                return Boolean.TRUE;
            });
            return chain.proceed();
        };
    }

    void record(String processor, Throwable error, List<? extends EventMessage<?>> failedEvents) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String errorClass = cause.getClass().getName();
        String message = cause.getMessage() == null ? error.toString() : cause.getMessage();
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE);
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        try {
            Long position = failedEvents.isEmpty() ? null : positions.of(failedEvents.get(0));
            for (int attempt = 0; attempt < 2; attempt++) {
                int updated = jdbc.update("UPDATE processor_failure SET error_class = ?, error_message = ?, position = ?, "
                        + "last_attempt_at = ?, attempts = attempts + 1 WHERE processor_name = ?",
                        errorClass, message, position, now, processor);
                if (updated > 0) {
                    break;
                }
                try {
                    jdbc.update("INSERT INTO processor_failure (processor_name, error_class, error_message, position, "
                            + "failing_since, last_attempt_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 1)",
                            processor, errorClass, message, position, now, now);
                    break;
                } catch (DuplicateKeyException raced) {
                    // another node recorded it first: update theirs
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("processor {} is failing ({}), and the failure could not be recorded: {}", processor, errorClass,
                    e.toString());
        }
    }

    /**
     * Why {@code processor} is failing: the recorded failure, or else a failure this node's processor reports (one
     * that came before any batch, such as the store being unreachable); empty when it is not failing.
     */
    public Optional<Failure> failure(String processor) {
        Optional<Failure> local = local(processor);
        try {
            List<Failure> recorded = jdbc.query("SELECT error_class, error_message, position, failing_since, "
                    + "last_attempt_at, attempts FROM processor_failure WHERE processor_name = ?", (rs, i) -> new Failure(
                    rs.getString("error_class"), rs.getString("error_message"),
                    (Long) rs.getObject("position", Long.class),
                    instant(rs.getObject("failing_since", OffsetDateTime.class)),
                    instant(rs.getObject("last_attempt_at", OffsetDateTime.class)), rs.getLong("attempts")), processor);
            return recorded.isEmpty() ? local : Optional.of(recorded.get(0));
        } catch (DataAccessException e) {
            // the database cannot be read: whatever this node knows, or that very failure
            return local.or(() -> Optional.of(new Failure(e.getClass().getName(), e.getMessage(), null,
                    clock.instant(), clock.instant(), 1)));
        }
    }

    private Optional<Failure> local(String processor) {
        EventProcessingConfiguration configuration = processing.getIfAvailable();
        if (configuration == null) {
            return Optional.empty();
        }
        return configuration.eventProcessor(processor, TrackingEventProcessor.class)
                .flatMap(tep -> tep.processingStatus().values().stream()
                        .filter(EventTrackerStatus::isErrorState)
                        .findFirst()
                        .map(status -> {
                            Throwable error = status.getError();
                            Instant now = clock.instant();
                            return new Failure(error == null ? "unknown" : error.getClass().getName(),
                                    error == null ? null : error.getMessage(), null, now, now, 1);
                        }));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
