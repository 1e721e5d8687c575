package dev.tally.transport;

import dev.tally.transport.CommandTransport.Failure;
import dev.tally.transport.CommandTransport.Kind;
import dev.tally.transport.CommandTransport.Request;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.callbacks.FutureCallback;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/commands} on the command service: takes one command from the token service (see
 * {@link CommandTransport}), dispatches it on this process's own command bus (the aggregate, its unit of work and
 * transaction, exactly as in process) and answers the result or the failure. Callers are authenticated by
 * {@link ServiceTokenFilter} before this runs. Not component-scanned: the command service's distributed composition
 * imports it, so the standalone server has no such endpoint.
 */
@RestController
public class InternalCommandEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(InternalCommandEndpoint.class);
    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;
    /** Commands taken, tagged {@code command} (simple name) and {@code outcome} ({@code ok} or the failure's kind). */
    public static final String METRIC = "tally.internal.commands";

    private final CommandBus commandBus;
    private final Serializer serializer;
    private final MeterRegistry meters;

    /** @param meters where {@value #METRIC} counts the commands by type and outcome ({@code ok} or the failure's kind) */
    public InternalCommandEndpoint(CommandBus commandBus, Serializer messageSerializer, MeterRegistry meters) {
        this.commandBus = commandBus;
        this.serializer = messageSerializer;
        this.meters = meters;
    }

    @PostMapping(path = CommandTransport.PATH)
    public ResponseEntity<byte[]> dispatch(@RequestBody(required = false) byte[] body) {
        Request request;
        try {
            request = CommandTransport.readRequest(body == null ? new byte[0] : body);
        } catch (IllegalArgumentException e) {
            return failure(Failure.of(Kind.MALFORMED, e.getMessage()));
        }
        Optional<Class<?>> type = CommandTransport.allowedCommand(request.command());
        if (type.isEmpty() || !request.payloadType().equals(request.command())) {
            LOG.warn("refused command {} (payload type {}): not one the token service may send", request.command(),
                    request.payloadType());
            return failure(Failure.of(Kind.COMMAND_NOT_ALLOWED, "command '" + request.command() + "' may not be sent here"));
        }
        Object payload;
        try {
            payload = CommandTransport.payload(request, serializer);
        } catch (RuntimeException e) {
            return failure(Failure.of(Kind.MALFORMED, "the payload is not a " + type.get().getSimpleName()));
        }
        if (!type.get().isInstance(payload)) {
            return failure(Failure.of(Kind.MALFORMED, "the payload is not a " + type.get().getSimpleName()));
        }
        FutureCallback<Object, Object> callback = new FutureCallback<>();
        commandBus.dispatch(new GenericCommandMessage<>(new GenericMessage<>(payload, CommandTransport.metadata(request)),
                request.command()), callback);
        CommandResultMessage<?> result = callback.getResult();
        if (result.isExceptional()) {
            Failure failure = CommandTransport.classify(result.exceptionResult());
            count(type.get(), failure.kind().wireName());
            if (failure.kind() == Kind.FAILED || failure.kind() == Kind.STORE_UNAVAILABLE) {
                LOG.warn("{} from the token service failed", type.get().getSimpleName(), result.exceptionResult());
            }
            return failure(failure);
        }
        count(type.get(), "ok");
        try {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                    .body(CommandTransport.writeResult(result.getPayload(), serializer));
        } catch (IllegalArgumentException e) {
            LOG.error("{} answered a result that may not cross: {}", type.get().getSimpleName(), e.getMessage());
            return failure(Failure.of(Kind.FAILED, "the command's result cannot be sent back"));
        }
    }

    private void count(Class<?> command, String outcome) {
        meters.counter(METRIC, "command", command.getSimpleName(), "outcome", outcome).increment();
    }

    private static ResponseEntity<byte[]> failure(Failure failure) {
        return ResponseEntity.status(failure.kind().status()).contentType(PROBLEM).body(CommandTransport.writeFailure(failure));
    }
}
