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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL), for fault tests: armed with a marker, it cuts the
 * connection that next sends bytes containing it (for example the SQL text of an INSERT) before they reach the
 * server, so a statement fails exactly in flight. Armed to hold, it freezes a connection at a chosen packet: the
 * server never gets it nor anything after it, and the client waits for an answer that never comes, until it goes away
 * (a process that is killed). Armed to drop an answer, it lets a request through and closes the connection when the
 * answer comes back. Everything else passes through unchanged. With PostgreSQL, use
 * {@code prepareThreshold=0} so every statement's SQL text crosses the wire.
 */
public final class FaultyTcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final AtomicReference<byte[]> armed = new AtomicReference<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicReference<Hold> holdArmed = new AtomicReference<>();
    private final AtomicReference<byte[]> dropArmed = new AtomicReference<>();
    private final AtomicReference<byte[]> holdAnswerArmed = new AtomicReference<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger holds = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    public FaultyTcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("faulty-proxy-accept").start(this::accept);
    }

    /** A proxy in front of the test database, for a test class's static field (fails the class if it cannot listen). */
    public static FaultyTcpProxy before(PostgresTestDatabase database) {
        try {
            return new FaultyTcpProxy(database.host(), database.port());
        } catch (IOException e) {
            throw new IllegalStateException("no proxy could listen in front of " + database.name(), e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next client packet that contains {@code marker} (as UTF-8) cuts its connection instead of being sent. */
    public void cutWhenClientSends(String marker) {
        armed.set(marker.getBytes(StandardCharsets.UTF_8));
    }

    /** Forgets a cut armed by {@link #cutWhenClientSends} that no packet has set off yet. */
    public void disarm() {
        armed.set(null);
    }

    /**
     * Freezes one connection: the first client packet containing {@code marker}, on the first connection that sends
     * a packet containing every one of {@code after} (with none: on any connection), is held back, and so is
     * everything that connection sends afterwards. The server never gets them and keeps the connection's transaction
     * open; the client waits. For PostgreSQL, say, the {@code COMMIT} of the transaction in which one process wrote a
     * given row. When the client closes the connection (or dies, and its kernel closes it), the proxy closes the
     * server's side, and the server rolls back what was open.
     */
    public void holdWhenClientSends(String marker, String... after) {
        byte[][] first = new byte[after.length][];
        for (int i = 0; i < after.length; i++) {
            first[i] = after[i].getBytes(StandardCharsets.UTF_8);
        }
        holdArmed.set(new Hold(first, marker.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The next client packet that contains {@code marker} reaches the server, and the server's answer on that
     * connection does not reach the client: the connection is closed instead. The request was carried out; its answer
     * was lost (a timeout between two services after the work committed).
     */
    public void dropAnswerWhenClientSends(String marker) {
        dropArmed.set(marker.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The next client packet that contains {@code marker} reaches the server, and nothing the server answers on that
     * connection reaches the client, which waits: the work was carried out and its answer is held until the client
     * gives up or dies (a token node killed after its family decided). Counted in {@link #holds()}.
     */
    public void holdAnswerWhenClientSends(String marker) {
        holdAnswerArmed.set(marker.getBytes(StandardCharsets.UTF_8));
    }

    /** How many answers were dropped by {@link #dropAnswerWhenClientSends} so far. */
    public int droppedAnswers() {
        return dropped.get();
    }

    /** How many connections were frozen by {@link #holdWhenClientSends} or {@link #holdAnswerWhenClientSends} so far. */
    public int holds() {
        return holds.get();
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
                if (!open) {
                    // accepted while close() ran: its snapshot of the sockets may have missed this pair
                    closeQuietly(client);
                    closeQuietly(upstream);
                    return;
                }
                AtomicBoolean dropAnswer = new AtomicBoolean();
                AtomicBoolean holdAnswer = new AtomicBoolean();
                Thread.ofPlatform().daemon().name("faulty-proxy-up")
                        .start(() -> pump(client, upstream, true, dropAnswer, holdAnswer));
                Thread.ofPlatform().daemon().name("faulty-proxy-down")
                        .start(() -> pump(upstream, client, false, dropAnswer, holdAnswer));
            } catch (IOException e) {
                if (!open) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean clientToServer, AtomicBoolean dropAnswer,
                      AtomicBoolean holdAnswer) {
        byte[] buffer = new byte[64 * 1024];
        Hold pending = null;
        boolean holding = false;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (holding || (!clientToServer && holdAnswer.get())) {
                    continue;
                }
                if (clientToServer && pending == null) {
                    Hold hold = holdArmed.get();
                    if (hold != null && hold.after().length == 0 && contains(buffer, n, hold.marker())
                            && holdArmed.compareAndSet(hold, null)) {
                        holds.incrementAndGet();
                        holding = true;
                        continue;
                    }
                    if (hold != null && hold.after().length > 0 && containsAll(buffer, n, hold.after())
                            && holdArmed.compareAndSet(hold, null)) {
                        pending = hold; // this packet passes; a later one of this connection is held
                    }
                } else if (pending != null && contains(buffer, n, pending.marker())) {
                    holds.incrementAndGet();
                    holding = true;
                    continue;
                }
                if (!clientToServer && dropAnswer.get()) {
                    dropped.incrementAndGet();
                    from.close();
                    to.close();
                    return;
                }
                byte[] holdItsAnswer = clientToServer ? holdAnswerArmed.get() : null;
                if (holdItsAnswer != null && contains(buffer, n, holdItsAnswer)
                        && holdAnswerArmed.compareAndSet(holdItsAnswer, null)) {
                    holds.incrementAndGet();
                    holdAnswer.set(true); // set before the request is sent on, so before any answer can come back
                }
                byte[] drop = clientToServer ? dropArmed.get() : null;
                if (drop != null && contains(buffer, n, drop) && dropArmed.compareAndSet(drop, null)) {
                    dropAnswer.set(true); // set before the request is sent on, so before any answer can come back
                }
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

    /** What {@link #holdWhenClientSends} armed: the packet to hold, on a connection that sent all of {@code after}. */
    private record Hold(byte[][] after, byte[] marker) {
    }

    private static boolean containsAll(byte[] data, int length, byte[][] markers) {
        for (byte[] marker : markers) {
            if (!contains(data, length, marker)) {
                return false;
            }
        }
        return true;
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
