package dev.tally.platform.input;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes {@code application/x-www-form-urlencoded} (a query string or a form body) strictly: {@code %} must be
 * followed by two hex digits, {@code +} is a space, and the bytes must be UTF-8 (RFC 6749 Appendix B). Anything else
 * is refused as a whole with a reason that names neither a parameter's value nor, since a name can itself be what
 * failed, the parameter: the container's own decoder, which this replaces, logs the value of a parameter it cannot
 * decode, and that value may be a password.
 */
public final class FormEncoding {
    private FormEncoding() {
    }

    /** Every parameter in order of first appearance, each with its values in order; empty pairs ({@code &&}) skipped. */
    public static Map<String, List<String>> decode(byte[] encoded) throws MalformedInput {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        int start = 0;
        while (start <= encoded.length) {
            int end = indexOf(encoded, (byte) '&', start);
            if (end > start) {
                int equals = indexOf(encoded, (byte) '=', start, end);
                if (equals == start) {
                    throw new MalformedInput("a parameter without a name");
                }
                String name = decode(encoded, start, equals < 0 ? end : equals);
                String value = equals < 0 ? "" : decode(encoded, equals + 1, end);
                parameters.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        return parameters;
    }

    public static Map<String, List<String>> decode(String encoded) throws MalformedInput {
        return encoded == null ? Map.of() : decode(encoded.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * One name or value. Most are ASCII without an escape (a client id, a grant type, a JWT), and become a string of
     * those bytes at once; the rest are unescaped into one array and decoded as UTF-8 only if a byte is beyond ASCII.
     */
    private static String decode(byte[] encoded, int from, int to) throws MalformedInput {
        boolean plain = true;
        for (int i = from; i < to && plain; i++) {
            byte b = encoded[i];
            plain = b >= 0 && b != '%' && b != '+';
        }
        if (plain) {
            return new String(encoded, from, to - from, StandardCharsets.ISO_8859_1);
        }
        byte[] bytes = new byte[to - from];
        int length = 0;
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            byte b = encoded[i];
            if (b == '+') {
                b = ' ';
            } else if (b == '%') {
                if (i + 2 >= to) {
                    throw new MalformedInput("a '%' not followed by two hex digits");
                }
                int high = Character.digit(encoded[i + 1], 16);
                int low = Character.digit(encoded[i + 2], 16);
                if (high < 0 || low < 0) {
                    throw new MalformedInput("a '%' not followed by two hex digits");
                }
                b = (byte) (high << 4 | low);
                i += 2;
            }
            ascii &= b >= 0;
            bytes[length++] = b;
        }
        if (ascii) {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return utf8.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedInput("bytes that are not UTF-8");
        }
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        int at = indexOf(bytes, wanted, from, bytes.length);
        return at < 0 ? bytes.length : at;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Input that is not valid form encoding; the message says why without quoting it. A refusal, not a fault: no stack
     * trace is taken (a flood of malformed requests should not pay for one each).
     */
    public static final class MalformedInput extends Exception {
        public MalformedInput(String reason) {
            super(reason, null, false, false);
        }
    }
}
