package dev.tally.platform.logging;

import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * What every log line written while a request is handled says about it: {@code request_id}, {@code tenant} and
 * {@code client_id}, as MDC entries, which Spring Boot's structured formats (ECS, Logstash, GELF) write as fields of
 * each line. {@link RequestLogFilter} sets the first two for each request and clears all three after it; the code
 * that authenticates a client names it here once it is known.
 *
 * <p>Only values that are known to be harmless reach a line: identifiers of a bounded length and alphabet. A value
 * that does not look like one is left out rather than logged, because it came from the caller and may be anything
 * (a secret pasted into the wrong field, say).
 */
public final class RequestLogContext {
    public static final String REQUEST_ID = "request_id";
    public static final String TENANT = "tenant";
    public static final String CLIENT_ID = "client_id";

    /** Tenant and client ids as Tally accepts them, and the request ids tracing systems send (UUIDs, hex, base64url). */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private RequestLogContext() {
    }

    /** The client the request comes from, once it is authenticated (or, for a public client, identified). */
    public static void client(String clientId) {
        put(CLIENT_ID, clientId);
    }

    /** The id of the request this thread is handling, or null: to pass on to another service. */
    public static String requestId() {
        return MDC.get(REQUEST_ID);
    }

    static void put(String key, String value) {
        if (value != null && IDENTIFIER.matcher(value).matches()) {
            MDC.put(key, value);
        }
    }

    static boolean identifier(String value) {
        return value != null && IDENTIFIER.matcher(value).matches();
    }

    static void clear() {
        MDC.remove(REQUEST_ID);
        MDC.remove(TENANT);
        MDC.remove(CLIENT_ID);
    }
}
