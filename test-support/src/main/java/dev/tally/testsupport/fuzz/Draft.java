package dev.tally.testsupport.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request under construction: first an endpoint's valid request, then spoiled by one mutation. Text that goes on the
 * wire as it is (an already encoded path, a raw parameter, header values) is held as a byte string: one char per byte,
 * ISO-8859-1, so raw bytes 0x80-0xFF survive.
 */
final class Draft {
    String method;
    /** The path as sent (already percent-encoded). */
    String path;
    final List<Param> query = new ArrayList<>();
    /** The form body's parameters; {@code null} when the body is not a form. */
    List<Param> form;
    /** The JSON body; {@code null} when the body is not JSON. */
    ObjectNode json;
    /** The JSON body as text, instead of {@link #json}. */
    String jsonText;
    /** The body as bytes, instead of the form or JSON. */
    byte[] body;
    final List<String[]> headers = new ArrayList<>();
    /** The Host header's value; {@code null} leaves it out. */
    String host;
    String version = "HTTP/1.1";
    /** The request target as sent, instead of path and query. */
    String target;
    boolean chunked;
    /** What the mutation did, for the report. */
    String mutation = "";

    /**
     * A form or query parameter. {@code raw}, when set, is the whole {@code name=value} chunk as sent; otherwise both are
     * form-urlencoded, and a {@code null} value is sent without {@code =}.
     */
    record Param(String name, String value, String raw) {
        static Param of(String name, String value) {
            return new Param(name, value, null);
        }

        static Param raw(String chunk) {
            return new Param(null, null, chunk);
        }

        String encoded() {
            if (raw != null) {
                return raw;
            }
            return value == null ? encode(name) : encode(name) + "=" + encode(value);
        }
    }

    Draft query(String name, String value) {
        query.add(Param.of(name, value));
        return this;
    }

    Draft form(String name, String value) {
        if (form == null) {
            form = new ArrayList<>();
            header("Content-Type", "application/x-www-form-urlencoded");
        }
        form.add(Param.of(name, value));
        return this;
    }

    Draft json(ObjectNode node) {
        json = node;
        header("Content-Type", "application/json");
        return this;
    }

    Draft header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    Draft setHeader(String name, String value) {
        removeHeader(name);
        return header(name, value);
    }

    Draft removeHeader(String name) {
        headers.removeIf(h -> h[0].equalsIgnoreCase(name));
        return this;
    }

    String headerValue(String name) {
        return headers.stream().filter(h -> h[0].equalsIgnoreCase(name) && h[1] != null).map(h -> h[1]).findFirst()
                .orElse(null);
    }

    boolean hasHeader(String name) {
        return headerValue(name) != null;
    }

    Draft bearer(String token) {
        return setHeader("Authorization", "Bearer " + token);
    }

    /** {@code client_secret_basic}: id and secret form-urlencoded, joined by a colon, then Base64 (RFC 6749 §2.3.1). */
    Draft basic(String clientId, String secret) {
        return setHeader("Authorization", "Basic " + basicCredentials(clientId, secret));
    }

    static String basicCredentials(String clientId, String secret) {
        return Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    Draft cookie(String name, String value) {
        String existing = headerValue("Cookie");
        return setHeader("Cookie", existing == null ? name + "=" + value : existing + "; " + name + "=" + value);
    }

    /** Every parameter of the request, query and form, in order. */
    List<List<Param>> parameterLists() {
        List<List<Param>> lists = new ArrayList<>();
        lists.add(query);
        if (form != null) {
            lists.add(form);
        }
        return lists;
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** The value as UTF-8 bytes held one char per byte, for a header or a raw chunk. */
    static String utf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    byte[] bodyBytes() {
        if (body != null) {
            return body;
        }
        if (form != null) {
            return String.join("&", form.stream().map(Param::encoded).toList()).getBytes(StandardCharsets.ISO_8859_1);
        }
        if (jsonText != null) {
            return jsonText.getBytes(StandardCharsets.UTF_8);
        }
        if (json != null) {
            return json.toString().getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }

    String requestTarget() {
        if (target != null) {
            return target;
        }
        return query.isEmpty() ? path : path + "?" + String.join("&", query.stream().map(Param::encoded).toList());
    }

    byte[] toBytes() {
        byte[] content = bodyBytes();
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(requestTarget()).append(' ').append(version).append("\r\n");
        if (host != null) {
            head.append("Host: ").append(host).append("\r\n");
        }
        for (String[] h : headers) {
            // a header without a value is a line without a colon
            head.append(h[0]).append(h[1] == null ? "" : ": " + h[1]).append("\r\n");
        }
        boolean framed = hasHeader("Content-Length") || hasHeader("Transfer-Encoding");
        if (chunked && !framed) {
            head.append("Transfer-Encoding: chunked\r\n");
        } else if (!framed && (content.length > 0 || hasBodyByDefault())) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + content.length + 64);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (chunked && !framed) {
            int chunk = 8192;
            for (int at = 0; at < content.length; at += chunk) {
                int n = Math.min(chunk, content.length - at);
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(content, at, n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
            out.writeBytes(content);
        }
        return out.toByteArray();
    }

    private boolean hasBodyByDefault() {
        String m = method.toUpperCase(Locale.ROOT);
        return m.equals("POST") || m.equals("PATCH") || m.equals("PUT");
    }
}
