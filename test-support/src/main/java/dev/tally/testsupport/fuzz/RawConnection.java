package dev.tally.testsupport.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection that sends requests exactly as given, byte for byte: {@code java.net.http.HttpClient} refuses
 * much of what a hostile client sends (raw invalid bytes in the URL, control characters in a header, a method it does
 * not know, a body on a GET, framing it considers wrong). Kept alive between requests; opened again when the server
 * closed it. Reads the answer as RFC 9112 frames it: {@code Content-Length}, chunked, or until the server closes.
 */
final class RawConnection implements Closeable {
    /** How much of a body is kept as text (enough for a token answer with an ID token, or an error page). */
    static final int KEPT_BODY = 64 * 1024;
    private static final int MAX_HEAD = 64 * 1024;

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawConnection(String host, int port, int timeoutMillis) {
        this.address = new InetSocketAddress(host, port);
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Sends {@code request} and reads one answer. {@code head} says the answer has no body whatever its headers say
     * (a HEAD request). A connection the server had already closed is opened again and the request sent once more
     * only when not a byte of an answer came back.
     */
    Answer exchange(byte[] request, boolean head) {
        boolean reused = socket != null;
        try {
            Answer answer = once(request, head);
            if (answer == null && reused) {
                close();
                answer = once(request, head);
            }
            return answer == null ? Answer.none("the server closed the connection without an answer") : answer;
        } catch (SocketTimeoutException e) {
            close();
            return Answer.none("no answer within " + timeoutMillis + " ms");
        } catch (IOException e) {
            close();
            return Answer.none("connection failed: " + e.getMessage());
        }
    }

    /** One attempt; {@code null} when the connection ended before the first byte of an answer. */
    private Answer once(byte[] request, boolean head) throws IOException {
        if (socket == null) {
            open();
        }
        IOException sending = null;
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            // The server may have answered (413, 400) and closed before reading all of a large body: read what it said.
            sending = e;
        }
        byte[] statusAndHeaders;
        try {
            statusAndHeaders = readHead();
        } catch (IOException e) {
            if (sending != null) {
                close();
                return Answer.none("connection failed while sending (" + sending.getMessage() + "), no answer: "
                        + e.getMessage());
            }
            throw e;
        }
        if (statusAndHeaders == null) {
            close();
            return sending == null ? null
                    : Answer.none("connection failed while sending (" + sending.getMessage() + "), no answer");
        }
        String text = new String(statusAndHeaders, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            close();
            return Answer.none("not an HTTP status line: " + lines[0]);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        if (status >= 100 && status < 200) {
            // an interim answer (100 Continue): the final one follows
            Answer fin = once(new byte[0], head);
            return fin == null ? Answer.none("the connection ended after an interim " + status) : fin;
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        long length = 0;
        boolean untilClose = false;
        if (!head && status != 204 && status != 304) {
            String transfer = first(headers, "transfer-encoding");
            String contentLength = first(headers, "content-length");
            if (transfer != null && transfer.toLowerCase(Locale.ROOT).contains("chunked")) {
                length = readChunked(kept);
            } else if (contentLength != null) {
                length = readExactly(Long.parseLong(contentLength.trim()), kept);
            } else {
                length = readToEnd(kept);
                untilClose = true;
            }
        }
        String connection = first(headers, "connection");
        if (untilClose || sending != null || (connection != null && connection.equalsIgnoreCase("close"))) {
            close();
        }
        String body = kept.toString(StandardCharsets.UTF_8);
        return new Answer(status, headers, body, length, null);
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(address, timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
    }

    /** The status line and headers up to the blank line, or {@code null} if the connection ended before any byte. */
    private byte[] readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the connection ended in the middle of an answer's headers");
            }
            head.write(b);
            lastFour = (lastFour << 8) | b;
            if (lastFour == 0x0d0a0d0a) {
                return head.toByteArray();
            }
            if (head.size() > MAX_HEAD) {
                throw new IOException("an answer's headers exceed " + MAX_HEAD + " bytes");
            }
        }
    }

    private long readChunked(ByteArrayOutputStream kept) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return total;
            }
            total += readExactly(size, kept);
            readLine();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended in the middle of a chunked body");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    private long readExactly(long length, ByteArrayOutputStream kept) throws IOException {
        byte[] buffer = new byte[8192];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("the connection ended " + left + " bytes before the end of the body");
            }
            keep(kept, buffer, n);
            left -= n;
        }
        return length;
    }

    private long readToEnd(ByteArrayOutputStream kept) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            keep(kept, buffer, n);
            total += n;
        }
        return total;
    }

    private static void keep(ByteArrayOutputStream kept, byte[] buffer, int n) {
        int room = KEPT_BODY - kept.size();
        if (room > 0) {
            kept.write(buffer, 0, Math.min(room, n));
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
