package dev.tally.testsupport.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * One generated request: which endpoint's valid request it spoils, how ({@code category} and {@code mutation}), and the
 * bytes sent. {@code seed} and {@code index} make it again: {@link HostileInputs#request(long)} of a generator with the
 * same seed.
 */
public record HostileRequest(long seed, long index, String endpoint, Category category, String mutation, String method,
                             byte[] bytes) {
    private static final int SHOWN_TARGET = 400;
    private static final int SHOWN_BODY = 400;

    /** A HEAD request's answer has no body whatever its headers say. */
    boolean head() {
        return method.equals("HEAD");
    }

    /**
     * The request for a report: request line, headers and the beginning of the body, bytes outside printable ASCII as
     * {@code \xNN}, every secret the run knows masked.
     */
    public String describe(Secrets secrets) {
        int split = headEnd();
        String head = new String(bytes, 0, split, StandardCharsets.ISO_8859_1);
        StringBuilder text = new StringBuilder();
        String[] lines = head.split("\r\n");
        // masked before shortened, so that no part of a secret shows
        for (int i = 0; i < lines.length; i++) {
            String line = secrets.mask(escape(lines[i]));
            if (line.length() > SHOWN_TARGET) {
                line = line.substring(0, SHOWN_TARGET) + "... (" + lines[i].length() + " bytes)";
            }
            text.append(i == 0 ? "" : "\n    ").append(line);
        }
        int bodyLength = bytes.length - split - (split < bytes.length ? 4 : 0);
        if (bodyLength > 0) {
            int from = split + 4;
            String body = secrets.mask(escape(new String(bytes, from, Math.min(SHOWN_BODY * 8, bodyLength),
                    StandardCharsets.ISO_8859_1)));
            text.append("\n    body (").append(bodyLength).append(" bytes): ")
                    .append(body.length() > SHOWN_BODY ? body.substring(0, SHOWN_BODY) + "..." : body);
        }
        return text.toString();
    }

    /** Where the headers end (the index of the blank line's CR LF CR LF), or the length if they never do. */
    private int headEnd() {
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    static String escape(String latin1) {
        StringBuilder out = new StringBuilder(latin1.length());
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\x%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Who to blame: the endpoint and the kind of input. */
    public String cause() {
        return endpoint + " / " + category;
    }
}
