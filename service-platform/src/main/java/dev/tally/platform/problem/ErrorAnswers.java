package dev.tally.platform.problem;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an error that no endpoint answered itself (a refusal of the request filter, an error the servlet container
 * raised) in the form the addressed endpoint documents: an RFC 6749 §5.2 error on the OAuth and OpenID endpoints
 * ({@code /t/{tenant}/...}, and the metadata at {@code /.well-known/.../t/{tenant}}; {@code server_error} for a 5xx,
 * {@code invalid_request} otherwise), a plain page on the pages a browser shows ({@code authorize}, {@code login},
 * {@code logout}), an RFC 9457 problem everywhere else (the management API, the revocation list, the internal
 * endpoints).
 */
public final class ErrorAnswers {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ErrorAnswers() {
    }

    public enum Audience { OAUTH, BROWSER, MANAGEMENT }

    /** Whose error form a request for {@code path} (the request URI, context path included) gets. */
    public static Audience audience(String path) {
        String[] segments = path == null ? new String[0] : path.replaceFirst("^/+", "").split("/+");
        if (segments.length >= 4 && segments[0].equals(".well-known") && segments[2].equals("t")) {
            // RFC 8414 §3.1: a tenant's metadata at /.well-known/{name}/t/{tenant}
            return Audience.OAUTH;
        }
        if (segments.length >= 3 && segments[0].equals("t")) {
            return switch (segments[2]) {
                case "authorize", "login", "logout" -> Audience.BROWSER;
                case "revocations" -> Audience.MANAGEMENT;
                default -> Audience.OAUTH;
            };
        }
        return Audience.MANAGEMENT;
    }

    /**
     * Answers {@code status} with {@code reason} for a request to {@code path}, unless the response is committed. The
     * reason is shown to the client: it must name what was wrong with the request, never a secret or an internal.
     */
    public static void write(String path, HttpServletResponse response, int status, String reason)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        if (status == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE) {
            // the rest of the body was not read: the connection cannot carry another request
            response.setHeader("Connection", "close");
        }
        String body = switch (audience(path)) {
            case OAUTH -> {
                response.setContentType("application/json");
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("error", status >= 500 ? "server_error" : "invalid_request");
                error.put("error_description", reason);
                yield JSON.writeValueAsString(error);
            }
            case BROWSER -> {
                response.setContentType("text/html;charset=UTF-8");
                yield "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Request refused</title></head>"
                        + "<body><h1>Request refused</h1><p>" + html(reason) + "</p></body></html>";
            }
            case MANAGEMENT -> {
                response.setContentType("application/problem+json");
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("type", "about:blank");
                problem.put("title", title(status));
                problem.put("status", status);
                problem.put("detail", reason);
                yield JSON.writeValueAsString(problem);
            }
        };
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String title(int status) {
        return switch (status) {
            case HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE -> "Content Too Large";
            default -> {
                HttpStatus known = HttpStatus.resolve(status);
                yield known == null ? "Error" : known.getReasonPhrase();
            }
        };
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
