package dev.tally.command.catalog;

import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The catalog keeps lists and maps as JSON text, so the same columns work on PostgreSQL and H2. */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static List<String> stringList(String json) {
        return MAPPER.readValue(json, new TypeReference<List<String>>() { });
    }

    static <T> T read(String json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }

    public static Map<String, String> stringMap(String json) {
        return MAPPER.readValue(json, new TypeReference<Map<String, String>>() { });
    }
}
