package dev.tally.platform.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.platform.input.FormEncoding.MalformedInput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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

    private static void assertMalformed(String encoded, String reason) {
        assertThatThrownBy(() -> FormEncoding.decode(encoded)).as(encoded).isInstanceOf(MalformedInput.class).hasMessage(reason);
    }
}
