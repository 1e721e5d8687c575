package dev.tally.query.web;

import dev.tally.kernel.problem.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Query parameters of the query side's API, checked strictly: a parameter the endpoint does not know, or a value it
 * cannot read, is a 400 naming the parameter, never ignored.
 */
public final class Params {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private final Map<String, String> values;

    private Params(Map<String, String> values) {
        this.values = values;
    }

    public static Params of(Map<String, String> values, Set<String> allowed) {
        for (String name : values.keySet()) {
            if (!allowed.contains(name)) {
                throw new InvalidInput(name, "is not a parameter of this endpoint; known: " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
        return new Params(values);
    }

    /** An identifier to match exactly; absent is {@code null}, empty is an error. */
    public String id(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.isBlank() || v.length() > 255) {
            throw new InvalidInput(name, "must be 1-255 characters");
        }
        return v;
    }

    /**
     * An instant of the years 1 to 9999: {@code Instant} reaches the year 1,000,000,000, where the database's
     * timestamps (and {@code OffsetDateTime}) do not, and such a bound answered 500 (found by the fuzz harness).
     */
    public Instant instant(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidInput(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z; was '"
                    + abbreviated(v) + "'");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new InvalidInput(name, "must be an instant from " + EARLIEST + " to " + LATEST + "; was '"
                    + abbreviated(v) + "'");
        }
        return instant;
    }

    public int limit() {
        String v = values.get("limit");
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(v);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new InvalidInput("limit", "must be a whole number from 1 to " + MAX_LIMIT + "; was '" + abbreviated(v) + "'");
    }

    /** The text inside an opaque cursor of parameter {@code name}, or {@code null} when absent. */
    public String cursor(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor(name);
        }
    }

    public static InvalidInput badCursor(String name) {
        return new InvalidInput(name, "is not a cursor this API issued");
    }

    public static String encodeCursor(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public String raw(String name) {
        return values.get(name);
    }

    private static String abbreviated(String v) {
        return v.length() > 40 ? v.substring(0, 40) + "..." : v;
    }
}
