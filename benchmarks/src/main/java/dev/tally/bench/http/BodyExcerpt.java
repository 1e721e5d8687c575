package dev.tally.bench.http;

/** An answer's body as it goes into a message or the report: on one line, at most 500 characters. */
public final class BodyExcerpt {
    private static final int MAX_CHARS = 500;

    private BodyExcerpt() {
    }

    public static String of(String body) {
        if (body == null) {
            return "(no body)";
        }
        String oneLine = body.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= MAX_CHARS ? oneLine : oneLine.substring(0, MAX_CHARS) + "...";
    }
}
