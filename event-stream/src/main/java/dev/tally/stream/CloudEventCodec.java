package dev.tally.stream;

import dev.tally.kernel.crypto.SecretFields;
import dev.tally.kernel.stream.EventTypes;
import dev.tally.kernel.stream.UnknownEventTypeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Events as CloudEvents 1.0 in the structured JSON mode ({@code application/cloudevents+json}), and back.
 *
 * <pre>{@code
 * {"specversion":"1.0", "id":"<event id>", "source":"/tally/tenants/<tenant>",
 *  "type":"dev.tally.session.SessionStarted.v1", "subject":"<aggregate id>", "time":"2026-03-01T10:00:00Z",
 *  "datacontenttype":"application/json",
 *  "tallytenantid":"<tenant>", "tallyglobalindex":"42",
 *  "tallyaggregatetype":"Session", "tallyaggregateid":"<aggregate id>", "tallyaggregateseq":"0",
 *  "data":{ ...the payload as the event store holds it... }}
 * }</pre>
 *
 * <ul>
 *   <li>{@code subject}, {@code tallyaggregatetype}, {@code tallyaggregateid} and {@code tallyaggregateseq} are
 *   present only for events of an aggregate; issued and revoked tokens are recorded without one.</li>
 *   <li>{@code tallyglobalindex} and {@code tallyaggregateseq} are decimal strings, not JSON numbers: they are 64-bit,
 *   and a CloudEvents Integer is 32-bit (the global index passes 2^31 after two billion events).</li>
 *   <li>{@code data} is the payload JSON exactly as stored, except that, unless the relay is told to include
 *   secrets, every field named {@code *Hash} (password, client secret, cookie and refresh token hashes) and
 *   {@code sealedPrivateJwk} is removed; the event then carries {@code "tallyredacted":true}.</li>
 * </ul>
 */
public class CloudEventCodec {
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    public static final String SPEC_VERSION = "1.0";
    public static final String SOURCE_PREFIX = "/tally/tenants/";

    public static final String TENANT_ID = "tallytenantid";
    public static final String GLOBAL_INDEX = "tallyglobalindex";
    public static final String AGGREGATE_TYPE = "tallyaggregatetype";
    public static final String AGGREGATE_ID = "tallyaggregateid";
    public static final String AGGREGATE_SEQUENCE = "tallyaggregateseq";
    public static final String REDACTED = "tallyredacted";

    private static final Pattern DECIMAL = Pattern.compile("^(0|[1-9][0-9]{0,18})$");

    private final Serializer serializer;
    private final boolean includeSecrets;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * @param serializer     the event serializer of the event store (the relay hands on its stored form; consumers
     *                       read payloads with it)
     * @param includeSecrets publish secret fields too; only for a topic no one outside the deployment can read
     */
    public CloudEventCodec(Serializer serializer, boolean includeSecrets) {
        this.serializer = serializer;
        this.includeSecrets = includeSecrets;
    }

    /**
     * An event about to be published: its CloudEvent and what the Kafka record needs besides.
     *
     * @param key the record key: the aggregate id, or the tenant id for an event without an aggregate
     */
    public record Outbound(String id, String type, String tenantId, long globalIndex, String aggregateId,
                           Long aggregateSequence, String key, byte[] value) {
    }

    /** The CloudEvent of an event read from the store at {@code globalIndex}. */
    public Outbound encode(EventMessage<?> event, long globalIndex) {
        SerializedObject<byte[]> payload = event.serializePayload(serializer, byte[].class);
        String type = EventTypes.typeOf(payload.getType().getName(), payload.getType().getRevision());
        String tenantId = EventTypes.tenantOf(event.getPayload());
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalStateException("event " + event.getIdentifier() + " (" + type + ") has no tenant");
        }
        DomainEventMessage<?> domain = event instanceof DomainEventMessage<?> d && d.getType() != null ? d : null;

        byte[] data = payload.getData();
        boolean redacted = false;
        if (!includeSecrets) {
            JsonNode tree = json.readTree(data);
            if (removeSecrets(tree)) {
                data = json.writeValueAsBytes(tree);
                redacted = true;
            }
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 512);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("specversion", SPEC_VERSION);
            g.writeStringProperty("id", event.getIdentifier());
            g.writeStringProperty("source", SOURCE_PREFIX + tenantId);
            g.writeStringProperty("type", type);
            if (domain != null) {
                g.writeStringProperty("subject", domain.getAggregateIdentifier());
            }
            g.writeStringProperty("time", event.getTimestamp().toString());
            g.writeStringProperty("datacontenttype", "application/json");
            g.writeStringProperty(TENANT_ID, tenantId);
            g.writeStringProperty(GLOBAL_INDEX, Long.toString(globalIndex));
            if (domain != null) {
                g.writeStringProperty(AGGREGATE_TYPE, domain.getType());
                g.writeStringProperty(AGGREGATE_ID, domain.getAggregateIdentifier());
                g.writeStringProperty(AGGREGATE_SEQUENCE, Long.toString(domain.getSequenceNumber()));
            }
            if (redacted) {
                g.writeBooleanProperty(REDACTED, true);
            }
            g.writeName("data");
            g.writeRawValue(new String(data, StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        return new Outbound(event.getIdentifier(), type, tenantId, globalIndex,
                domain == null ? null : domain.getAggregateIdentifier(),
                domain == null ? null : domain.getSequenceNumber(),
                domain == null ? tenantId : domain.getAggregateIdentifier(), out.toByteArray());
    }

    /**
     * Reads a CloudEvent of the stream.
     *
     * @throws MalformedCloudEventException when it is not JSON or lacks what every Tally event has
     */
    public StreamedEvent decode(byte[] value) {
        JsonNode root;
        try {
            root = json.readTree(value);
        } catch (JacksonException e) {
            throw new MalformedCloudEventException("not JSON: " + e.getOriginalMessage());
        }
        if (!(root instanceof ObjectNode)) {
            throw new MalformedCloudEventException("not a JSON object");
        }
        if (!SPEC_VERSION.equals(text(root, "specversion", true))) {
            throw new MalformedCloudEventException("specversion is not " + SPEC_VERSION);
        }
        String id = text(root, "id", true);
        String type = text(root, "type", true);
        String tenantId = text(root, TENANT_ID, true);
        if (!(SOURCE_PREFIX + tenantId).equals(text(root, "source", true))) {
            throw new MalformedCloudEventException("event " + id + ": source does not name tenant " + tenantId);
        }
        Instant time;
        try {
            time = Instant.parse(text(root, "time", true));
        } catch (DateTimeParseException e) {
            throw new MalformedCloudEventException("event " + id + ": time is not an RFC 3339 UTC time");
        }
        long globalIndex = decimal(root, GLOBAL_INDEX, id);
        String aggregateId = text(root, AGGREGATE_ID, false);
        String aggregateType = null;
        Long sequence = null;
        if (aggregateId != null) {
            aggregateType = text(root, AGGREGATE_TYPE, true);
            sequence = decimal(root, AGGREGATE_SEQUENCE, id);
        }
        JsonNode redacted = root.get(REDACTED);
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new MalformedCloudEventException("event " + id + " has no JSON object as data");
        }
        return new StreamedEvent(id, type, tenantId, time, globalIndex, aggregateType, aggregateId, sequence,
                redacted != null && redacted.asBoolean(), json.writeValueAsBytes(data));
    }

    /**
     * The Axon message of a streamed event, its payload read with the event serializer: a domain event message
     * (aggregate type, id and sequence number) for an event of an aggregate, else a plain event message. The
     * identifier and timestamp are the stored ones; the meta data is not published, so it is empty.
     *
     * @throws UnknownEventTypeException when this version does not know the event's type
     */
    public EventMessage<?> toMessage(StreamedEvent event) {
        EventTypes.ParsedType parsed = EventTypes.parse(event.type());
        Object payload = serializer.deserialize(new SimpleSerializedObject<>(event.data(), byte[].class,
                parsed.payloadTypeName(), parsed.revision()));
        if (event.domainEvent()) {
            return new GenericDomainEventMessage<>(event.aggregateType(), event.aggregateId(), event.aggregateSequence(),
                    payload, MetaData.emptyInstance(), event.id(), event.time());
        }
        return new GenericEventMessage<>(event.id(), payload, Map.of(), event.time());
    }

    /** Removes secret fields at any depth; whether it removed any. */
    static boolean removeSecrets(JsonNode node) {
        boolean removed = false;
        if (node instanceof ObjectNode object) {
            List<String> secrets = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (SecretFields.isSecret(field.getKey())) {
                    secrets.add(field.getKey());
                } else {
                    removed |= removeSecrets(field.getValue());
                }
            }
            secrets.forEach(object::remove);
            removed |= !secrets.isEmpty();
        } else if (node != null && node.isArray()) {
            for (JsonNode element : node) {
                removed |= removeSecrets(element);
            }
        }
        return removed;
    }

    private static String text(JsonNode root, String name, boolean required) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                throw new MalformedCloudEventException("CloudEvent lacks " + name);
            }
            return null;
        }
        if (!node.isString()) {
            throw new MalformedCloudEventException("CloudEvent attribute " + name + " is not a string");
        }
        return node.asString();
    }

    private static long decimal(JsonNode root, String name, String id) {
        String value = text(root, name, true);
        if (!DECIMAL.matcher(value).matches()) {
            throw new MalformedCloudEventException("event " + id + ": " + name + " is not a decimal number");
        }
        return Long.parseLong(value);
    }
}
