package dev.tally.token.clientauth;

import dev.tally.platform.clientkeys.ClientJwksProperties;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Reads a client's {@code jwks_uri}: one HTTP/1.1 GET, no redirects, within the connect and read timeouts, at most
 * {@code max-bytes}. The name is resolved here and the connection is made to an address this class has checked, so
 * a name that resolves to a public address when checked and to an internal one when connected (DNS rebinding) reaches
 * nothing it should not: the address is checked again on the connected socket. Loopback, private (RFC 1918, IPv6 ULA,
 * shared 100.64/10), link-local, multicast and unspecified addresses are refused unless
 * {@code tally.client-jwks.allow-private-addresses}. TLS verifies the certificate against the name, as a browser would.
 */
public class JwksUriFetcher {
    private final ClientJwksProperties settings;

    public JwksUriFetcher(ClientJwksProperties settings) {
        this.settings = settings;
    }

    /** Why a fetch failed, said without anything the server sent. */
    public static final class FetchFailed extends Exception {
        FetchFailed(String message) {
            super(message);
        }
    }

    public String fetch(String jwksUri) throws FetchFailed {
        URI uri = URI.create(jwksUri);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        if (!tls && !(scheme.equals("http") && settings.allowHttp())) {
            throw new FetchFailed("jwks_uri scheme " + scheme + " is not allowed");
        }
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        InetAddress address = allowedAddress(host);
        long deadline = System.nanoTime() + settings.readTimeout().toNanos();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), (int) settings.connectTimeout().toMillis());
            requireAllowed(plain.getInetAddress());
            plain.setSoTimeout((int) settings.readTimeout().toMillis());
            Socket socket = tls ? tls(plain, host, port) : plain;
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String hostHeader = host.contains(":") ? "[" + host + "]" : host;
            if (uri.getPort() > 0) {
                hostHeader += ":" + uri.getPort();
            }
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nAccept: application/jwk-set+json, "
                    + "application/json\r\nUser-Agent: Tally\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new Response(socket.getInputStream(), settings.maxBytes(), deadline).body();
        } catch (SocketTimeoutException e) {
            throw new FetchFailed("jwks_uri did not answer in time");
        } catch (IOException e) {
            throw new FetchFailed("jwks_uri could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private SSLSocket tls(Socket plain, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                .createSocket(plain, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.contains(":") && !Character.isDigit(host.charAt(host.length() - 1))) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The first address of the name that may be reached; refused when none may. */
    private InetAddress allowedAddress(String host) throws FetchFailed {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (IOException e) {
            throw new FetchFailed("jwks_uri host could not be resolved");
        }
        for (InetAddress a : addresses) {
            if (settings.allowPrivateAddresses() || isPublic(a)) {
                return a;
            }
        }
        throw new FetchFailed("jwks_uri resolves only to addresses that may not be reached (loopback, private, "
                + "link-local, multicast or unspecified)");
    }

    private void requireAllowed(InetAddress connected) throws FetchFailed {
        if (!settings.allowPrivateAddresses() && !isPublic(connected)) {
            throw new FetchFailed("jwks_uri connected to an address that may not be reached");
        }
    }

    /** Whether an address is one the internet routes: not loopback, private, link-local, multicast or unspecified. */
    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0 // "this network"
                    && !(first == 100 && second >= 64 && second < 128) // shared address space (carrier NAT)
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    && first < 240; // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) { // unique local fc00::/7
                return false;
            }
            if (isEmbeddedIpv4(b)) {
                byte[] v4 = {b[12], b[13], b[14], b[15]};
                try {
                    return isPublic(InetAddress.getByAddress(v4));
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** ::a.b.c.d (compatible) and ::ffff:a.b.c.d (mapped), should Java not have turned them into IPv4 already. */
    private static boolean isEmbeddedIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff);
    }

    /** A minimal HTTP/1.1 response reader: status 200, body by Content-Length, chunks, or to the end; bounded. */
    private static final class Response {
        private final InputStream in;
        private final int maxBytes;
        private final long deadline;

        Response(InputStream in, int maxBytes, long deadline) {
            this.in = in;
            this.maxBytes = maxBytes;
            this.deadline = deadline;
        }

        String body() throws IOException, FetchFailed {
            String status = line();
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new FetchFailed("jwks_uri did not answer HTTP");
            }
            if (!parts[1].equals("200")) {
                throw new FetchFailed("jwks_uri answered status " + (parts[1].matches("\\d{3}") ? parts[1] : "?"));
            }
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new FetchFailed("jwks_uri sent a malformed Content-Length");
                    }
                    if (length > maxBytes) {
                        throw new FetchFailed("jwks_uri's JWK Set is larger than " + maxBytes + " bytes");
                    }
                } else if (name.equals("transfer-encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (long size = chunkSize(); size > 0; size = chunkSize()) {
                    copy(body, size);
                    line();
                }
            } else {
                copy(body, length);
            }
            return body.toString(StandardCharsets.UTF_8);
        }

        private long chunkSize() throws IOException, FetchFailed {
            String line = line();
            int semi = line.indexOf(';');
            try {
                return Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new FetchFailed("jwks_uri sent a malformed chunk");
            }
        }

        /** {@code length} bytes, or to the end when it is -1; never more than the cap in all. */
        private void copy(ByteArrayOutputStream body, long length) throws IOException, FetchFailed {
            byte[] buffer = new byte[4096];
            long left = length;
            while (left != 0) {
                checkDeadline();
                int n = in.read(buffer, 0, (int) (left < 0 ? buffer.length : Math.min(buffer.length, left)));
                if (n < 0) {
                    if (length < 0) {
                        return;
                    }
                    throw new FetchFailed("jwks_uri's answer ended early");
                }
                if (body.size() + n > maxBytes) {
                    throw new FetchFailed("jwks_uri's JWK Set is larger than " + maxBytes + " bytes");
                }
                body.write(buffer, 0, n);
                if (left > 0) {
                    left -= n;
                }
            }
        }

        private String line() throws IOException, FetchFailed {
            StringBuilder line = new StringBuilder();
            while (true) {
                checkDeadline();
                int c = in.read();
                if (c < 0) {
                    throw new FetchFailed("jwks_uri's answer ended early");
                }
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() >= 8192) {
                    throw new FetchFailed("jwks_uri sent a header line that is too long");
                }
                line.append((char) c);
            }
        }

        private void checkDeadline() throws FetchFailed {
            if (System.nanoTime() > deadline) {
                throw new FetchFailed("jwks_uri did not answer in time");
            }
        }
    }
}
