package dev.tally.bench.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class JsonTest {

    @Test
    void readsTheFieldsTheBenchmarkNeeds() {
        JsonNode o = Json.object(" {\"access_token\":\"a.b.c\", \"token_type\" : \"Bearer\",\n \"expires_in\": 3600,"
                + "\"active\":true,\"scope\":null,\"extra\":{\"nested\":[1,2.5,-3e2,true,false]}} ");
        assertEquals("a.b.c", Json.string(o, "access_token"));
        assertEquals(3600L, Json.integer(o, "expires_in"));
        assertNull(Json.string(o, "expires_in"), "a number is not a string");
        assertNull(Json.integer(o, "access_token"));
        assertNull(Json.string(o, "missing"));
        assertNull(Json.string(o, "scope"), "null is not a string");
        assertTrue(Json.isTrue(o, "active"));
        assertFalse(Json.isTrue(o, "token_type"));
        assertFalse(Json.isTrue(o, "missing"));
    }

    @Test
    void integralNumbersOnlyForInteger() {
        assertEquals(3600L, Json.integer(Json.object("{\"n\":3600.0}"), "n"));
        assertNull(Json.integer(Json.object("{\"n\":3600.5}"), "n"));
        assertNull(Json.integer(Json.object("{\"n\":1e30}"), "n"));
        assertNull(Json.integer(Json.object("{\"n\":\"3600\"}"), "n"));
    }

    @Test
    void aFieldIsShownAsTheServerSentIt() {
        JsonNode o = Json.object("{\"s\":\"DPoP\",\"n\":60,\"b\":false,\"o\":{\"a\":1}}");
        assertEquals("DPoP", Json.shown(o, "s"));
        assertEquals("60", Json.shown(o, "n"));
        assertEquals("false", Json.shown(o, "b"));
        assertEquals("{\"a\":1}", Json.shown(o, "o"));
        assertEquals("null", Json.shown(o, "missing"));
    }

    @Test
    void requestBodiesQuoteEveryStringAndReadBackAsWritten() {
        String tricky = "quote\" backslash\\ slash/ tab\t nl\n ctl\u0001 é €";
        ObjectNode body = Json.newObject().put("v", tricky).put("n", 3600).put("b", true);
        body.putArray("grant_types").add("password").add("refresh_token");
        String text = Json.write(body);
        assertTrue(text.startsWith("{\"v\":\"quote\\\" backslash\\\\ slash/ tab\\t nl\\n ctl\\u0001 é €\""), text);
        assertTrue(text.endsWith(",\"n\":3600,\"b\":true,\"grant_types\":[\"password\",\"refresh_token\"]}"), text);
        JsonNode read = Json.object(text);
        assertEquals(tricky, Json.string(read, "v"));
        assertEquals("A/é", Json.string(Json.object("{\"v\":\"\\u0041\\/\\u00e9\"}"), "v"));
    }

    @Test
    void refusesWhatIsNotOneJsonObject() {
        for (String bad : List.of("", "  ", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":\"x}", "{\"a\":\"\\q\"}",
                "{\"a\":01}", "{} extra", "<html>", "{\"a\":tru}", "{\"a\":-}", "[1]", "\"text\"", "42")) {
            assertThrows(IllegalArgumentException.class, () -> Json.object(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.object(null));
        assertEquals("expected a JSON object", assertThrows(IllegalArgumentException.class, () -> Json.object("[1]"))
                .getMessage());
        String reason = assertThrows(IllegalArgumentException.class, () -> Json.object("<html>503</html>")).getMessage();
        assertTrue(reason.startsWith("bad JSON: ") && !reason.contains("\n"), reason);
    }
}
