package dev.tally.bench.http;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON as the tool reads Tally's answers and writes its management requests: Jackson's tree model over one mapper,
 * built once (it is thread-safe; the workers share it). The readers answer null for a field that is absent or of
 * another type, so each caller words its own complaint; a body that is not one JSON object is refused with a
 * one-line reason, never guessed at.
 */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** The body as a JSON object; IllegalArgumentException saying why when it is not one (trailing text included). */
    public static JsonNode object(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no JSON text");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("bad JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return node;
    }

    /** An empty object to build a request body in; {@link #write} renders it with every string quoted. */
    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    public static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** The field's value if it is a JSON string, else null. */
    public static String string(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v != null && v.isString() ? v.stringValue() : null;
    }

    /** The field's value if it is a number with an integral value that fits a long (3600 or 3600.0), else null. */
    public static Long integer(JsonNode object, String field) {
        JsonNode v = object.get(field);
        boolean fits = v != null && v.isNumber() && v.canConvertToExactIntegral() && v.canConvertToLong();
        return fits ? v.longValue() : null;
    }

    /** Whether the field is the JSON literal true. */
    public static boolean isTrue(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v != null && v.isBoolean() && v.booleanValue();
    }

    /** The field for a message: a string as it is, anything else as its JSON text, "null" when absent. */
    public static String shown(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v == null ? "null" : v.isString() ? v.stringValue() : v.toString();
    }
}
