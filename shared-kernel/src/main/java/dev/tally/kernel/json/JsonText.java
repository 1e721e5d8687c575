package dev.tally.kernel.json;

/**
 * JSON text written by hand where a serializer's machinery costs more than the text (RFC 8259): a string is quoted,
 * with {@code "} and {@code \} escaped and every control character below U+0020 written as an escape; everything
 * else, lone surrogates included, is copied as it is (Java's UTF-8 encoder then writes a lone surrogate as {@code ?},
 * as it does for any string).
 */
public final class JsonText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    /** Appends {@code text} as a JSON string, quotes included. */
    public static StringBuilder appendString(StringBuilder json, String text) {
        json.append('"');
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            json.append(text, plainFrom, i);
            plainFrom = i + 1;
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return json.append(text, plainFrom, text.length()).append('"');
    }
}
