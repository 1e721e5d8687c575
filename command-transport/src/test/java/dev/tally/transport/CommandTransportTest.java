package dev.tally.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.code.CodeRedemption;
import dev.tally.kernel.command.TokenServiceCommands;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionUse;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.platform.axon.ConcurrentAppend;
import dev.tally.platform.axon.StoreFailure;
import dev.tally.transport.CommandTransport.Kind;
import dev.tally.transport.CommandTransport.Request;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The transport's encoding on both ends, with the serializer the services use: commands and results round-trip, only
 * allow-listed types cross, and each failure the token service handles arrives as the exception it handles (the HTTP
 * round trips are in distributed-tests).
 */
class CommandTransportTest {
    final Serializer serializer = Jackson3Serializer.builder().build();

    @Test
    void aCommandAndItsCorrelationDataRoundTripThroughTheRequest() {
        RotateRefreshToken command = new RotateRefreshToken("rtf_1", "acme", "app", "a".repeat(64), "b".repeat(64), "jti");
        byte[] body = CommandTransport.writeRequest(GenericCommandMessage.asCommandMessage(command)
                .andMetaData(Map.of("traceId", "t-1", "notAString", 42)), serializer);

        Request request = CommandTransport.readRequest(body);

        assertThat(request.command()).isEqualTo(RotateRefreshToken.class.getName());
        assertThat(request.payloadType()).isEqualTo(RotateRefreshToken.class.getName());
        assertThat(CommandTransport.allowedCommand(request.command())).contains(RotateRefreshToken.class);
        assertThat(CommandTransport.payload(request, serializer)).isEqualTo(command);
        assertThat(CommandTransport.metadata(request)).isEqualTo(MetaData.with("traceId", "t-1"));
    }

    @Test
    void onlyTheTokenServicesCommandsMayCross() {
        assertThat(TokenServiceCommands.COMMANDS).hasSize(9).allSatisfy(c ->
                assertThat(c.getPackageName()).isIn("dev.tally.kernel.session", "dev.tally.kernel.code", "dev.tally.kernel.refresh"));
        assertThat(CommandTransport.allowedCommand(CreateTenant.class.getName())).isEmpty();
        assertThat(CommandTransport.allowedCommand("java.lang.Runtime")).isEmpty();
        assertThat(CommandTransport.allowedCommand(null)).isEmpty();
    }

    @Test
    void resultsRoundTripAndNothingButTheAllowedTypesIsRead() {
        RefreshOutcome outcome = new RefreshOutcome(true, true, false, null, "usr_1", "ses_1", "openid", "https://api", 3);
        assertThat(CommandTransport.readResponse(200, CommandTransport.writeResult(outcome, serializer), serializer))
                .isEqualTo(outcome);
        SessionUse use = new SessionUse("ses_1", "usr_1", false, Instant.parse("2026-11-22T10:00:00.123456Z"), null,
                Instant.parse("2026-12-22T10:00:00Z"), SessionEndReason.LOGOUT);
        assertThat(CommandTransport.readResponse(200, CommandTransport.writeResult(use, serializer), serializer)).isEqualTo(use);
        assertThat(CommandTransport.readResponse(200, CommandTransport.writeResult(CodeRedemption.refused("used"), serializer),
                serializer)).isEqualTo(CodeRedemption.refused("used"));
        assertThat(CommandTransport.readResponse(200, CommandTransport.writeResult("ses_1", serializer), serializer))
                .isEqualTo("ses_1");
        assertThat(CommandTransport.readResponse(200, CommandTransport.writeResult(null, serializer), serializer)).isNull();

        assertThatThrownBy(() -> CommandTransport.writeResult(new StringBuilder("x"), serializer))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] forged = "{\"result_type\":\"java.net.URL\",\"result\":\"http://x\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CommandTransport.readResponse(200, forged, serializer))
                .isInstanceOf(CommandNotAccepted.class).hasMessageContaining("may not cross");
    }

    @Test
    void eachFailureArrivesAsTheExceptionTheCallerHandles() {
        assertThat(crossed(new ConcurrencyException("lost the race"))).isInstanceOf(ConcurrencyException.class)
                .hasMessage("lost the race").matches(ConcurrentAppend::causedBy);
        assertThat(crossed(new RuntimeException("wrapped", new AggregateStreamCreationException("both created"))))
                .isInstanceOf(AggregateStreamCreationException.class).matches(ConcurrentAppend::causedBy);
        AggregateNotFoundException notFound = (AggregateNotFoundException) crossed(
                new AggregateNotFoundException("rtf_9", "no such aggregate"));
        assertThat(notFound.getAggregateIdentifier()).isEqualTo("rtf_9");
        assertThat(crossed(new NotFound("another tenant's"))).isInstanceOf(NotFound.class).hasMessage("another tenant's");
        InvalidInput invalid = (InvalidInput) crossed(new InvalidInput("condition", "bad", Map.of("line", 1, "column", 7)));
        assertThat(invalid.field()).isEqualTo("condition");
        assertThat(invalid.details()).containsEntry("line", 1).containsEntry("column", 7);
        assertThat(((Conflict) crossed(new Conflict("identifier", "taken"))).field()).isEqualTo("identifier");
        assertThat(crossed(new IllegalArgumentException("tokenHash must be hex"))).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenHash must be hex");
        assertThat(crossed(new EventStoreException("append failed", new SQLException("connection lost", "08006"))))
                .isInstanceOf(EventStoreException.class).matches(StoreFailure::causedBy);
        assertThat(crossed(new DataAccessResourceFailureException("pool exhausted"))).matches(StoreFailure::causedBy);
        assertThat(crossed(new IllegalStateException("a bug"))).isInstanceOf(CommandExecutionException.class)
                .matches(e -> !StoreFailure.causedBy(e) && !ConcurrentAppend.causedBy(e));
    }

    @Test
    void answersOutsideTheProtocolAreUnavailableOrNotAccepted() {
        byte[] html = "<html>Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CommandTransport.readResponse(502, html, serializer))
                .isInstanceOf(CommandServiceUnavailable.class).matches(StoreFailure::causedBy);
        assertThatThrownBy(() -> CommandTransport.readResponse(404, html, serializer))
                .isInstanceOf(CommandNotAccepted.class).matches(e -> ((CommandNotAccepted) e).status() == 404);
        byte[] refused = CommandTransport.writeFailure(CommandTransport.Failure.of(Kind.COMMAND_NOT_ALLOWED, "no"));
        assertThatThrownBy(() -> CommandTransport.readResponse(403, refused, serializer))
                .isInstanceOf(CommandNotAccepted.class).matches(e -> ((CommandNotAccepted) e).status() == 403);
        assertThatThrownBy(() -> CommandTransport.readRequest("[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandTransport.readRequest("{\"command\":\"x\",\"payload_type\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload");
    }

    @Test
    void theServiceTokenIsLongAndComparedWhole() {
        assertThatThrownBy(() -> ServiceToken.of("short")).hasMessageContaining("at least 32");
        ServiceToken token = ServiceToken.of("0123456789abcdef0123456789abcdef");
        assertThat(token.matches("0123456789abcdef0123456789abcdef")).isTrue();
        assertThat(token.matches("0123456789abcdef0123456789abcdeX")).isFalse();
        assertThat(token.matches("0123456789abcdef0123456789abcdef0")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(token.toString()).doesNotContain("0123");
    }

    private RuntimeException crossed(Throwable thrown) {
        byte[] body = CommandTransport.writeFailure(CommandTransport.classify(thrown));
        int status = CommandTransport.classify(thrown).kind().status();
        try {
            CommandTransport.readResponse(status, body, serializer);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no exception crossed for " + thrown);
    }
}
