package dev.tally.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL), for fault tests: armed with a marker, it cuts the
 * connection that next sends bytes containing it (for example the SQL text of an INSERT) before they reach the
 * server, so a statement fails exactly in flight. Everything else passes through unchanged. With PostgreSQL, use
 * {@code prepareThreshold=0} so every statement's SQL text crosses the wire.
 */
public final class FaultyTcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final AtomicReference<byte[]> armed = new AtomicReference<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    public FaultyTcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("faulty-proxy-accept").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next client packet that contains {@code marker} (as UTF-8) cuts its connection instead of being sent. */
    public void cutWhenClientSends(String marker) {
        armed.set(marker.getBytes(StandardCharsets.UTF_8));
    }

    /** How many connections were cut so far. */
    public int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofPlatform().daemon().name("faulty-proxy-up").start(() -> pump(client, upstream, true));
                Thread.ofPlatform().daemon().name("faulty-proxy-down").start(() -> pump(upstream, client, false));
            } catch (IOException e) {
                if (!open) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean clientToServer) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                byte[] marker = clientToServer ? armed.get() : null;
                if (marker != null && contains(buffer, n, marker) && armed.compareAndSet(marker, null)) {
                    cuts.incrementAndGet();
                    from.close();
                    to.close();
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException closed) {
            // one side went away: close the other too
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static boolean contains(byte[] data, int length, byte[] marker) {
        outer:
        for (int i = 0; i <= length - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (data[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
