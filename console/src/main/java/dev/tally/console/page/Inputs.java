package dev.tally.console.page;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** What the console accepts in its paths and fields, checked before anything reaches the API. */
public final class Inputs {
    /** Identifiers as the API writes them (tenants, users, clients, sessions, families, rules). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~:@+-]{1,255}");
    /** A token's jti: printable, URL-safe, as Tally and other issuers write them. */
    private static final Pattern JTI = Pattern.compile("[A-Za-z0-9._~:-]{1,255}");
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Inputs() {
    }

    /** An identifier for a path segment; {@code .} and {@code ..} would change the API path they are put in. */
    public static String id(String field, String value) {
        if (value == null || !ID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new BadInput(field, "must be an identifier of 1 to 255 letters, digits and ._~:@+- ; was '"
                    + abbreviated(value) + "'");
        }
        return value;
    }

    public static String jti(String value) {
        if (value == null || !JTI.matcher(value).matches()) {
            throw new BadInput("jti", "is not a token identifier (1 to 255 letters, digits and ._~:-); was '"
                    + abbreviated(value) + "'");
        }
        return value;
    }

    /**
     * The "as of" instant: ISO-8601 with a zone ({@code 2026-12-05T01:23:45Z}), or a date and time without one (as
     * a browser's date-time field sends it), read as UTC. Blank: now.
     */
    public static Instant asOf(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        Instant instant;
        try {
            instant = Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                instant = LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new BadInput("as_of", "must be an instant such as 2026-12-05T01:23:45Z (UTC); was '"
                        + abbreviated(v) + "'");
            }
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new BadInput("as_of", "must be between the years 1 and 9999; was '" + abbreviated(v) + "'");
        }
        return instant;
    }

    static String abbreviated(String v) {
        if (v == null) {
            return "";
        }
        return v.length() <= 60 ? v : v.substring(0, 60) + "…";
    }
}
