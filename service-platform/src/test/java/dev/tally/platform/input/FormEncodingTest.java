package dev.tally.platform.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.platform.input.FormEncoding.MalformedInput;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FormEncodingTest {

    @Test
    void decodeWhenWellFormedThenNamesAndValuesInOrderWithRepeatsKept() throws Exception {
        Map<String, List<String>> decoded = FormEncoding.decode("b=1&a=x+y&b=%C3%A9%20z&empty=&flag&&");

        assertThat(decoded.keySet()).containsExactly("b", "a", "empty", "flag");
        assertThat(decoded.get("b")).containsExactly("1", "é z");
        assertThat(decoded.get("a")).containsExactly("x y");
        assertThat(decoded.get("empty")).containsExactly("");
        assertThat(decoded.get("flag")).containsExactly("");
    }

    @Test
    void decodeWhenNothingThenEmpty() throws Exception {
        assertThat(FormEncoding.decode((String) null)).isEmpty();
        assertThat(FormEncoding.decode("")).isEmpty();
        assertThat(FormEncoding.decode("&&&")).isEmpty();
    }

    @Test
    void decodeWhenAnEqualsSignInTheValueThenItIsPartOfTheValue() throws Exception {
        assertThat(FormEncoding.decode("token=a.b==&x==")).containsEntry("token", List.of("a.b==")).containsEntry("x", List.of("="));
    }

    /** The five spellings that made the container fail, each refused with a reason. */
    @Test
    void decodeWhenPercentEncodingIsBrokenThenMalformed() {
        assertMalformed("x=%", "a '%' not followed by two hex digits");
        assertMalformed("x=%4", "a '%' not followed by two hex digits");
        assertMalformed("x=%zz", "a '%' not followed by two hex digits");
        assertMalformed("x=%u0041", "a '%' not followed by two hex digits");
        assertMalformed("x=%ff%fe", "bytes that are not UTF-8");
        assertMalformed("x=%C3", "bytes that are not UTF-8");
        assertMalformed("&=", "a parameter without a name");
        assertMalformed("=value", "a parameter without a name");
        assertMalformed("%zz=1", "a '%' not followed by two hex digits");
    }

    @Test
    void decodeWhenRawBytesAreNotUtf8ThenMalformed() {
        byte[] latin1 = "password=s3cr\u00f6t".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> FormEncoding.decode(latin1)).isInstanceOf(MalformedInput.class)
                .hasMessage("bytes that are not UTF-8");
    }

    @Test
    void decodeWhenRawUtf8ThenAccepted() throws Exception {
        assertThat(FormEncoding.decode("name=caf\u00e9".getBytes(StandardCharsets.UTF_8))).containsEntry("name", List.of("café"));
    }

    /** The reason is logged and answered: it must never quote what was sent, which may be a password. */
    @Test
    void malformedReasonNeverQuotesTheInput() {
        assertThatThrownBy(() -> FormEncoding.decode("password=hunter2%zz")).hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("password");
    }

    /**
     * The decoder takes shortcuts (plain ASCII becomes a string at once; unescaped ASCII skips the UTF-8 decoder), so it
     * is held to the plain rule over random inputs built from the bytes that matter: each name and value unescaped,
     * then decoded as strict UTF-8; the same parameters, or the same refusal.
     */
    @Test
    void decodeAgreesWithThePlainRuleOnRandomInput() {
        byte[][] pieces = {bytes("a"), bytes("Z"), bytes("0"), bytes("."), bytes("-"), bytes("~"), bytes("+"), bytes("="),
                bytes("&"), bytes("%"), bytes("%2"), bytes("%41"), bytes("%2B"), bytes("%26"), bytes("%3d"), bytes("%C3%A9"),
                bytes("%C3"), bytes("%A9"), bytes("%E2%82%AC"), bytes("%ff"), bytes("%zz"), bytes("%00"), bytes("\u0001"),
                "\u00e9".getBytes(StandardCharsets.UTF_8), "\u20ac".getBytes(StandardCharsets.UTF_8), {(byte) 0xC3},
                {(byte) 0xA9}, {(byte) 0xFF}, {(byte) 0x7F}};
        Random random = new Random(20261207);
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            for (int n = random.nextInt(12); n > 0; n--) {
                input.writeBytes(pieces[random.nextInt(pieces.length)]);
            }
            byte[] encoded = input.toByteArray();
            Object expected = plainRule(encoded);
            Object actual;
            try {
                actual = FormEncoding.decode(encoded);
            } catch (MalformedInput e) {
                actual = e.getMessage();
            }
            assertThat(actual).as(new String(encoded, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
            refused += expected instanceof String ? 1 : 0;
        }
        // both kinds of answer were exercised
        assertThat(refused).isBetween(2_000, 18_000);
    }

    /** The rule, spelled out without shortcuts: a map of parameters, or the refusal's reason. */
    private static Object plainRule(byte[] encoded) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        String text = new String(encoded, StandardCharsets.ISO_8859_1);
        for (String pair : text.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals == 0) {
                return "a parameter without a name";
            }
            List<String> parts = equals < 0 ? List.of(pair, "") : List.of(pair.substring(0, equals), pair.substring(equals + 1));
            String[] decoded = new String[2];
            for (int k = 0; k < 2; k++) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                String part = parts.get(k);
                for (int i = 0; i < part.length(); i++) {
                    char c = part.charAt(i);
                    if (c == '%') {
                        if (i + 2 >= part.length() || Character.digit(part.charAt(i + 1), 16) < 0
                                || Character.digit(part.charAt(i + 2), 16) < 0) {
                            return "a '%' not followed by two hex digits";
                        }
                        bytes.write(Integer.parseInt(part.substring(i + 1, i + 3), 16));
                        i += 2;
                    } else {
                        bytes.write(c == '+' ? ' ' : c);
                    }
                }
                try {
                    decoded[k] = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    return "bytes that are not UTF-8";
                }
            }
            parameters.computeIfAbsent(decoded[0], n -> new ArrayList<>()).add(decoded[1]);
        }
        return parameters;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertMalformed(String encoded, String reason) {
        assertThatThrownBy(() -> FormEncoding.decode(encoded)).as(encoded).isInstanceOf(MalformedInput.class).hasMessage(reason)
                // a refusal, not a fault: no stack trace taken
                .satisfies(refusal -> assertThat(refusal.getStackTrace()).isEmpty());
    }
}
