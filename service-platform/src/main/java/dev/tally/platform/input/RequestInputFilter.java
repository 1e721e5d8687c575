package dev.tally.platform.input;

import dev.tally.platform.input.FormEncoding.MalformedInput;
import dev.tally.platform.problem.ErrorAnswers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing every request meets, in every service: it reads the body (up to {@link InputLimits}, else 413),
 * checks the {@code Content-Type} (one concrete media type with a known charset, never multipart, else 415), and
 * decodes the query string and a form body strictly ({@link FormEncoding}, else 400). The request handed on answers
 * its parameters from that decoding.
 *
 * <p>Why here and not in each endpoint: the container decodes parameters on first use, and when it cannot it throws
 * an exception whose message quotes the parameter's value (a password with one Latin-1 byte, say), which an endpoint
 * then sees as an unexpected failure: a 500 and a password in the log. Decoding before anything else asks means the
 * container's decoder is never reached, and every refusal here names what was wrong, never the value.
 */
public class RequestInputFilter extends OncePerRequestFilter {
    private final InputLimits limits;

    public RequestInputFilter(InputLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        MediaType type;
        try {
            type = contentType(request.getContentType());
        } catch (Refused refused) {
            ErrorAnswers.write(request.getRequestURI(), response, refused.status, refused.getMessage());
            return;
        }
        boolean form = type != null && MediaType.APPLICATION_FORM_URLENCODED.includes(type);
        byte[] body;
        Map<String, List<String>> parameters;
        try {
            body = body(request, form ? limits.maxFormBytes().toBytes() : limits.maxBodyBytes().toBytes());
            parameters = parameters(request.getQueryString(), form ? body : null);
        } catch (Refused refused) {
            ErrorAnswers.write(request.getRequestURI(), response, refused.status, refused.getMessage());
            return;
        }
        chain.doFilter(new DecodedRequest(request, parameters, body), response);
    }

    /** The declared media type, {@code null} when none is declared. */
    static MediaType contentType(String header) throws Refused {
        if (header == null) {
            return null;
        }
        if (header.isBlank()) {
            // present but empty: not "no body type", which an endpoint might read as its default
            throw new Refused(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "the Content-Type header is empty");
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(header);
        } catch (InvalidMediaTypeException e) {
            throw new Refused(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "the Content-Type header cannot be parsed");
        }
        if (type.isWildcardType() || type.isWildcardSubtype()) {
            throw new Refused(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "the Content-Type must name one media type, not a wildcard");
        }
        if (type.getType().equalsIgnoreCase("multipart")) {
            throw new Refused(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "multipart bodies are not accepted");
        }
        Charset charset;
        try {
            charset = type.getCharset();
        } catch (IllegalArgumentException e) { // unknown or illegal name, Charset's own exceptions
            throw new Refused(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "the Content-Type names an unknown charset");
        }
        if (charset != null && MediaType.APPLICATION_FORM_URLENCODED.includes(type)
                && !charset.equals(StandardCharsets.UTF_8) && !charset.equals(StandardCharsets.US_ASCII)) {
            throw new Refused(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "a form body must be UTF-8");
        }
        return type;
    }

    /**
     * The whole body, empty when there is none; refused once it is longer than {@code limit} bytes, or when it ends
     * before its declared length. A body of declared length is read straight into an array of that length (an OAuth
     * form is a few hundred bytes: no 8 KiB buffer and no copy for each request).
     */
    private static byte[] body(HttpServletRequest request, long limit) throws Refused {
        long declared = request.getContentLengthLong();
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (declared <= 0 && !chunked) {
            return new byte[0];
        }
        if (declared > limit) {
            throw tooLarge(limit);
        }
        if (!chunked) {
            byte[] body = new byte[(int) declared];
            try (InputStream in = request.getInputStream()) {
                if (in.readNBytes(body, 0, body.length) < body.length) {
                    throw new Refused(HttpServletResponse.SC_BAD_REQUEST, "the body ended before its Content-Length");
                }
            } catch (IOException e) {
                throw new Refused(HttpServletResponse.SC_BAD_REQUEST, "the body could not be read to its end");
            }
            return body;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (bytes.size() + (long) n > limit) {
                    throw tooLarge(limit);
                }
                bytes.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new Refused(HttpServletResponse.SC_BAD_REQUEST, "the body could not be read to its end");
        }
        return bytes.toByteArray();
    }

    private static Refused tooLarge(long limit) {
        return new Refused(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                "the body is larger than the " + limit + " bytes accepted here");
    }

    private static Map<String, List<String>> parameters(String query, byte[] form) throws Refused {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        try {
            FormEncoding.decode(query).forEach((name, values) -> parameters.put(name, new ArrayList<>(values)));
        } catch (MalformedInput e) {
            throw new Refused(HttpServletResponse.SC_BAD_REQUEST, "the query string is not valid: " + e.getMessage());
        }
        if (form != null) {
            try {
                FormEncoding.decode(form).forEach((name, values) ->
                        parameters.computeIfAbsent(name, n -> new ArrayList<>(values.size())).addAll(values));
            } catch (MalformedInput e) {
                throw new Refused(HttpServletResponse.SC_BAD_REQUEST, "the form body is not valid: " + e.getMessage());
            }
        }
        return parameters;
    }

    /** A request refused before it reached an endpoint: the status, and a reason that quotes nothing the client sent. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }
}
