package dev.tally.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Through logback itself: Axon's warning for a refused creation is dropped, every other line of it kept. */
class ExpectedRefusalFilterTest {

    @Test
    void axonsWarningForARefusedCreationIsDroppedAndEverythingElseKept() {
        ExpectedRefusalFilter.install();
        ExpectedRefusalFilter.install();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getTurboFilterList().stream().filter(ExpectedRefusalFilter.class::isInstance))
                .as("installed once").hasSize(1);

        Logger axon = context.getLogger(ExpectedRefusalFilter.AXON_REPOSITORY);
        Logger other = context.getLogger("org.axonframework.modelling.command.AggregateAnnotationCommandHandler");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        axon.addAppender(seen);
        other.addAppender(seen);
        try {
            String message = "Exception occurred while trying to create an aggregate.";
            axon.warn(message, new Conflict("id", "tenant 'acme' already exists"));
            axon.warn(message, new InvalidInput("id", "not a tenant id"));
            axon.warn(message, new NotFound("tenant 'acme' does not exist"));
            assertThat(seen.list).as("the caller's mistakes").isEmpty();

            axon.warn(message, new IllegalStateException("a defect"));
            axon.error(message, new Conflict("id", "logged as an error by someone"));
            axon.warn("another warning of the repository");
            other.warn(message, new Conflict("id", "another logger"));
            assertThat(seen.list).extracting(ILoggingEvent::getMessage, e -> e.getThrowableProxy() == null ? null
                            : e.getThrowableProxy().getClassName())
                    .containsExactly(
                            tuple(message, IllegalStateException.class.getName()),
                            tuple(message, Conflict.class.getName()),
                            tuple("another warning of the repository", null),
                            tuple(message, Conflict.class.getName()));
        } finally {
            axon.detachAppender(seen);
            other.detachAppender(seen);
        }
    }
}
