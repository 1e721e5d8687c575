package dev.tally.bench;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MiniJsonTest {

    @Test
    void readsTheFieldsTheBenchmarkNeeds() {
        Map<String, Object> o = MiniJson.parseObject(
                " {\"access_token\":\"a.b.c\", \"token_type\" : \"Bearer\",\n \"expires_in\": 3600,"
                        + "\"scope\":null,\"extra\":{\"nested\":[1,2.5,-3e2,true,false]}} ");
        assertEquals("a.b.c", MiniJson.stringField(o, "access_token"));
        assertEquals(3600L, MiniJson.longField(o, "expires_in"));
        assertNull(MiniJson.stringField(o, "expires_in"));   // a number is not a string
        assertNull(MiniJson.longField(o, "access_token"));
        assertNull(MiniJson.stringField(o, "missing"));
        assertEquals(List.of(new BigDecimal("1"), new BigDecimal("2.5"), new BigDecimal("-3e2"), true, false),
                ((Map<?, ?>) o.get("extra")).get("nested"));
    }

    @Test
    void integralNumbersOnlyForLongField() {
        assertEquals(3600L, MiniJson.longField(MiniJson.parseObject("{\"n\":3600.0}"), "n"));
        assertNull(MiniJson.longField(MiniJson.parseObject("{\"n\":3600.5}"), "n"));
        assertNull(MiniJson.longField(MiniJson.parseObject("{\"n\":1e30}"), "n"));
    }

    @Test
    void escapesRoundTrip() {
        String tricky = "quote\" backslash\\ slash/ tab\t nl\n ctl\u0001 é €";
        String json = "{\"v\":" + MiniJson.quote(tricky) + "}";
        assertEquals(tricky, MiniJson.stringField(MiniJson.parseObject(json), "v"));
        assertEquals("A/é", MiniJson.stringField(MiniJson.parseObject("{\"v\":\"\\u0041\\/\\u00e9\"}"), "v"));
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : List.of("", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}", "[1 2]", "{\"a\":\"x}",
                "{\"a\":\"\\q\"}", "{\"a\":01x}", "{} extra", "<html>", "{\"a\":tru}", "{\"a\":-}")) {
            assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parseObject("[1]"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("[".repeat(1000)));
    }

    @Test
    void tokenResponseValidation() {
        assertNull(ClientCredentialsLoad.validateTokenResponse(
                "{\"access_token\":\"h.p.s\",\"token_type\":\"Bearer\",\"expires_in\":3600}", 3600));
        assertEquals("access_token does not have 3 non-empty dot-separated parts", ClientCredentialsLoad
                .validateTokenResponse("{\"access_token\":\"h.p\",\"token_type\":\"Bearer\",\"expires_in\":3600}", 3600));
        assertEquals("access_token does not have 3 non-empty dot-separated parts", ClientCredentialsLoad
                .validateTokenResponse("{\"access_token\":\"h..s\",\"token_type\":\"Bearer\",\"expires_in\":3600}", 3600));
        assertEquals("expires_in is 60, expected 3600", ClientCredentialsLoad
                .validateTokenResponse("{\"access_token\":\"h.p.s\",\"token_type\":\"Bearer\",\"expires_in\":60}", 3600));
        assertEquals("no access_token string", ClientCredentialsLoad.validateTokenResponse("{\"error\":\"x\"}", 3600));
    }
}
