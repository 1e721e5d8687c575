package dev.tally.transport;

import dev.tally.kernel.command.TokenServiceCommands;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.platform.axon.StoreFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire protocol between the token service and the command service in distributed mode: one command per
 * {@code POST /internal/commands}, answered with its result or with the failure the caller would have seen in process.
 *
 * <pre>
 * request   {"command": "&lt;command name&gt;", "payload_type": "&lt;class&gt;", "payload_revision": null,
 *            "payload": { ...the application's Axon serializer's JSON... }, "metadata": {"traceId": "..."}}
 * 200       {"result_type": "&lt;class&gt;" | null, "result_revision": null, "result": { ... } | null}
 * 4xx/5xx   application/problem+json {"type", "title", "status", "detail", "kind", and per kind
 *            "aggregate_id" | "field", "details"}
 * </pre>
 *
 * Only the commands the token service sends may cross ({@link TokenServiceCommands#COMMANDS}, the kernel's contract
 * between the two services); a payload type is checked against that list before anything is deserialized, and results
 * against {@link TokenServiceCommands#RESULTS}. A failure's {@link Kind} is rebuilt on the caller's side as the
 * exception the command bus would have thrown in process, so the token service's handling (a lost append race retried,
 * an unknown family refused, a store failure answered 503) is the same in both modes.
 */
public final class CommandTransport {
    public static final String PATH = "/internal/commands";
    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Map<String, Class<?>> COMMANDS = byName(TokenServiceCommands.COMMANDS);
    private static final Map<String, Class<?>> RESULTS = byName(TokenServiceCommands.RESULTS);

    private CommandTransport() {
    }

    /** Why a command did not produce a result, as it crosses the wire; {@code status} is the HTTP status it travels with. */
    public enum Kind {
        CONCURRENCY("concurrency", 409, "Conflict"),
        STREAM_CREATION("aggregate_stream_creation", 409, "Conflict"),
        AGGREGATE_NOT_FOUND("aggregate_not_found", 404, "Not Found"),
        NOT_FOUND("not_found", 404, "Not Found"),
        INVALID_INPUT("invalid_input", 400, "Bad Request"),
        CONFLICT("conflict", 409, "Conflict"),
        /** A command the aggregate calls nonsense (a value that cannot come from a correct caller): a bug, not input. */
        ILLEGAL_ARGUMENT("illegal_argument", 400, "Bad Request"),
        STORE_UNAVAILABLE("store_unavailable", 503, "Service Unavailable"),
        FAILED("failed", 500, "Internal Server Error"),
        UNAUTHORIZED("unauthorized", 401, "Unauthorized"),
        COMMAND_NOT_ALLOWED("command_not_allowed", 403, "Forbidden"),
        MALFORMED("malformed", 400, "Bad Request");

        private final String wireName;
        private final int status;
        private final String title;

        Kind(String wireName, int status, String title) {
            this.wireName = wireName;
            this.status = status;
            this.title = title;
        }

        public String wireName() {
            return wireName;
        }

        public int status() {
            return status;
        }

        static Optional<Kind> of(String wireName) {
            for (Kind k : values()) {
                if (k.wireName.equals(wireName)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A failure as it crosses the wire.
     *
     * @param aggregateId for {@link Kind#AGGREGATE_NOT_FOUND}
     * @param field for {@link Kind#INVALID_INPUT} and {@link Kind#CONFLICT}
     * @param details for {@link Kind#INVALID_INPUT} (e.g. a rule condition's line and column)
     */
    public record Failure(Kind kind, String detail, String aggregateId, String field, Map<String, Object> details) {
        public Failure {
            details = details == null ? Map.of() : Map.copyOf(details);
        }

        public static Failure of(Kind kind, String detail) {
            return new Failure(kind, detail, null, null, Map.of());
        }
    }

    /** The allow-listed command class of this name, if it may cross. */
    public static Optional<Class<?>> allowedCommand(String name) {
        return Optional.ofNullable(name == null ? null : COMMANDS.get(name));
    }

    // ---- requests

    /** A decoded request; the payload is still the serializer's JSON, deserialized only once its type is allowed. */
    public record Request(String command, String payloadType, String payloadRevision, byte[] payload,
                          Map<String, String> metadata) {
    }

    static byte[] writeRequest(CommandMessage<?> command, Serializer serializer) {
        SerializedObject<byte[]> payload = serializer.serialize(command.getPayload(), byte[].class);
        ObjectNode body = JSON.createObjectNode();
        body.put("command", command.getCommandName());
        body.put("payload_type", payload.getType().getName());
        body.put("payload_revision", payload.getType().getRevision());
        body.set("payload", JSON.readTree(payload.getData()));
        ObjectNode metadata = body.putObject("metadata");
        // Correlation data (trace and correlation ids) are strings; nothing else travels.
        command.getMetaData().forEach((k, v) -> {
            if (v instanceof String s) {
                metadata.put(k, s);
            }
        });
        return JSON.writeValueAsBytes(body);
    }

    /** @throws IllegalArgumentException if the body is not a request */
    public static Request readRequest(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        String command = text(root, "command");
        String payloadType = text(root, "payload_type");
        if (command == null || payloadType == null) {
            throw new IllegalArgumentException("'command' and 'payload_type' are required");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException("'payload' must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.properties().forEach(e -> {
                if (e.getValue().isString()) {
                    metadata.put(e.getKey(), e.getValue().asString());
                }
            });
        }
        return new Request(command, payloadType, text(root, "payload_revision"), JSON.writeValueAsBytes(payload), metadata);
    }

    /** The request's payload, by the application's serializer; call only for an allowed type. */
    public static Object payload(Request request, Serializer serializer) {
        return serializer.deserialize(new SimpleSerializedObject<>(request.payload(), byte[].class, request.payloadType(),
                request.payloadRevision()));
    }

    public static MetaData metadata(Request request) {
        return MetaData.from(request.metadata());
    }

    // ---- responses

    /** @throws IllegalArgumentException if the result is of a type that may not cross */
    public static byte[] writeResult(Object result, Serializer serializer) {
        ObjectNode body = JSON.createObjectNode();
        if (result == null) {
            body.putNull("result_type");
            body.putNull("result_revision");
            body.putNull("result");
            return JSON.writeValueAsBytes(body);
        }
        if (!RESULTS.containsKey(result.getClass().getName())) {
            throw new IllegalArgumentException("a result of type " + result.getClass().getName() + " may not cross");
        }
        SerializedObject<byte[]> serialized = serializer.serialize(result, byte[].class);
        body.put("result_type", serialized.getType().getName());
        body.put("result_revision", serialized.getType().getRevision());
        body.set("result", JSON.readTree(serialized.getData()));
        return JSON.writeValueAsBytes(body);
    }

    public static byte[] writeFailure(Failure failure) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", failure.kind().title);
        body.put("status", failure.kind().status());
        body.put("detail", failure.detail());
        body.put("kind", failure.kind().wireName());
        if (failure.aggregateId() != null) {
            body.put("aggregate_id", failure.aggregateId());
        }
        if (failure.field() != null) {
            body.put("field", failure.field());
        }
        if (!failure.details().isEmpty()) {
            body.set("details", JSON.valueToTree(failure.details()));
        }
        return JSON.writeValueAsBytes(body);
    }

    /**
     * The command's result from the command service's answer, or the exception the command bus would have thrown in
     * process.
     *
     * @throws CommandServiceUnavailable for an answer that is not the protocol's with a gateway's 502/503/504 status
     * @throws CommandNotAccepted for 401, 403, 400 and any other answer that is not the protocol's
     */
    static Object readResponse(int status, byte[] body, Serializer serializer) {
        JsonNode root = null;
        try {
            root = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (JacksonException notJson) {
            // an answer from something in between (a proxy's error page), handled below
        }
        if (status == 200 && root != null && root.isObject() && root.has("result_type")) {
            String type = text(root, "result_type");
            if (type == null) {
                return null;
            }
            if (!RESULTS.containsKey(type)) {
                throw new CommandNotAccepted(status, "the command service answered a result of type " + type
                        + ", which may not cross");
            }
            JsonNode result = root.get("result");
            return serializer.deserialize(new SimpleSerializedObject<>(JSON.writeValueAsBytes(result), byte[].class, type,
                    text(root, "result_revision")));
        }
        Optional<Kind> kind = root != null && root.isObject() ? Kind.of(text(root, "kind")) : Optional.empty();
        if (kind.isEmpty()) {
            if (status == 502 || status == 503 || status == 504) {
                throw new CommandServiceUnavailable("the command service is unavailable (HTTP " + status + ")", null);
            }
            throw new CommandNotAccepted(status, "the command service answered HTTP " + status + " outside the protocol");
        }
        Map<String, Object> details = Map.of();
        JsonNode d = root.get("details");
        if (d != null && d.isObject()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = JSON.treeToValue(d, Map.class);
            details = read;
        }
        throw rebuild(new Failure(kind.get(), text(root, "detail"), text(root, "aggregate_id"), text(root, "field"), details));
    }

    // ---- failures

    /** What a command's exception becomes on the wire; the first matching cause decides, as the callers look for it. */
    public static Failure classify(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConcurrencyException) {
                return Failure.of(Kind.CONCURRENCY, t.getMessage());
            }
            if (t instanceof AggregateStreamCreationException) {
                return Failure.of(Kind.STREAM_CREATION, t.getMessage());
            }
        }
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AggregateNotFoundException e) {
                return new Failure(Kind.AGGREGATE_NOT_FOUND, e.getMessage(), String.valueOf(e.getAggregateIdentifier()),
                        null, Map.of());
            }
            if (t instanceof NotFound e) {
                return Failure.of(Kind.NOT_FOUND, e.getMessage());
            }
            if (t instanceof InvalidInput e) {
                return new Failure(Kind.INVALID_INPUT, e.getMessage(), null, e.field(), e.details());
            }
            if (t instanceof Conflict e) {
                return new Failure(Kind.CONFLICT, e.getMessage(), null, e.field(), Map.of());
            }
            if (t instanceof IllegalArgumentException e) {
                return Failure.of(Kind.ILLEGAL_ARGUMENT, e.getMessage());
            }
        }
        if (StoreFailure.causedBy(thrown)) {
            return Failure.of(Kind.STORE_UNAVAILABLE, "the event store is unavailable; nothing was recorded");
        }
        return Failure.of(Kind.FAILED, "the command failed on the command service (" + thrown.getClass().getSimpleName()
                + "); see its log");
    }

    /** The exception the caller's command bus throws for a failure. */
    public static RuntimeException rebuild(Failure failure) {
        String detail = failure.detail() == null ? failure.kind().wireName() : failure.detail();
        return switch (failure.kind()) {
            case CONCURRENCY -> new ConcurrencyException(detail);
            case STREAM_CREATION -> new AggregateStreamCreationException(detail);
            case AGGREGATE_NOT_FOUND -> new AggregateNotFoundException(failure.aggregateId(), detail);
            case NOT_FOUND -> new NotFound(detail);
            case INVALID_INPUT -> new InvalidInput(failure.field(), detail, failure.details());
            case CONFLICT -> new Conflict(failure.field(), detail);
            case ILLEGAL_ARGUMENT -> new IllegalArgumentException(detail);
            case STORE_UNAVAILABLE -> new EventStoreException("the command service: " + detail);
            case FAILED -> new CommandExecutionException(detail, null);
            case UNAUTHORIZED, COMMAND_NOT_ALLOWED, MALFORMED -> new CommandNotAccepted(failure.kind().status(), detail);
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static Map<String, Class<?>> byName(List<Class<?>> types) {
        return types.stream().collect(Collectors.toUnmodifiableMap(Class::getName, Function.identity()));
    }
}
