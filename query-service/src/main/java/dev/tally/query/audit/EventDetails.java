package dev.tally.query.audit;

import dev.tally.kernel.crypto.SecretFields;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * An event's payload as the audit shows it: JSON in the management API's convention (snake_case keys, instants in
 * ISO-8601, enums by their wire name as the API writes them, absent values left out), with every secret removed
 * even in its protected form: fields whose name ends in {@code hash} (password, client-secret, cookie, token
 * hashes) and sealed private keys. The lifetime trace and the setting that decided a token's lifetime stay.
 */
public final class EventDetails {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL))
            .addModule(new SimpleModule("tally-wire-names").addSerializer(Enum.class, new WireNameSerializer()))
            .build();

    private EventDetails() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** The payload as JSON text without secrets. */
    public static String json(Object payload) {
        JsonNode tree = MAPPER.valueToTree(payload);
        return MAPPER.writeValueAsString(withoutSecrets(tree));
    }

    private static JsonNode withoutSecrets(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (SecretFields.isSecret(field.getKey())) {
                    it.remove();
                } else {
                    withoutSecrets(field.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(EventDetails::withoutSecrets);
        }
        return node;
    }

    /** {@code RotationMode.ROTATE_SLIDING} as {@code rotate-sliding}: the enum's {@code wireName()} where it has one. */
    @SuppressWarnings("rawtypes")
    private static final class WireNameSerializer extends StdSerializer<Enum> {
        private static final ClassValue<Method> WIRE_NAME = new ClassValue<>() {
            @Override
            protected Method computeValue(Class<?> type) {
                try {
                    Method m = type.getMethod("wireName");
                    return m.getReturnType() == String.class ? m : null;
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
        };

        WireNameSerializer() {
            super(Enum.class);
        }

        @Override
        public void serialize(Enum value, JsonGenerator gen, SerializationContext context) {
            Method wireName = WIRE_NAME.get(value.getDeclaringClass());
            if (wireName == null) {
                gen.writeString(value.name());
                return;
            }
            try {
                gen.writeString((String) wireName.invoke(value));
            } catch (ReflectiveOperationException e) {
                gen.writeString(value.name());
            }
        }
    }
}
