package dev.tally.testsupport;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Watches who owns the connections of a real pool: a {@link DataSource} that passes every call through to the pool it
 * wraps, unchanged, and counts the calls made on a borrowed connection after its borrower gave it back
 * ({@code close()}). The pool may have handed the same physical connection to another thread by then, so such a
 * call works on a connection that thread owns: HikariCP's {@code close()} of an already closed connection clears the
 * list of open statements it keeps per physical connection, which is the new borrower's list (a statement that
 * thread closes at the same moment throws {@code ArrayIndexOutOfBoundsException} from {@code FastList.remove}).
 *
 * <p>Not a mock: every call still reaches the pool, including the late ones, so the behaviour under test is the
 * real one; this only makes a rare race countable on every occurrence instead of on the unlucky interleaving.
 */
public final class PoolOwnership implements DataSource {
    private final DataSource pool;
    private final AtomicInteger borrowed = new AtomicInteger();
    private final AtomicInteger usedAfterReturn = new AtomicInteger();
    private final AtomicInteger usedWhileAnotherHeldIt = new AtomicInteger();
    private final AtomicReference<String> firstLateCall = new AtomicReference<>();
    /** Physical connection (the driver's) to the borrow that holds it now. */
    private final Map<Connection, Object> holders = new ConcurrentHashMap<>();

    private PoolOwnership(DataSource pool) {
        this.pool = pool;
    }

    public static PoolOwnership watch(DataSource pool) {
        return pool instanceof PoolOwnership watched ? watched : new PoolOwnership(pool);
    }

    /** Connections handed out by the pool. */
    public int borrowed() {
        return borrowed.get();
    }

    /** Calls made on a borrowed connection after its borrower had closed it (given it back to the pool). */
    public int usedAfterReturn() {
        return usedAfterReturn.get();
    }

    /** Of those, the calls made while the pool had handed the same physical connection to another borrower. */
    public int usedWhileAnotherHeldIt() {
        return usedWhileAnotherHeldIt.get();
    }

    /** The method and the stack of the first late call, or null. */
    public String firstLateCall() {
        return firstLateCall.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return watched(pool.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return watched(pool.getConnection(username, password));
    }

    private Connection watched(Connection borrowedConnection) throws SQLException {
        borrowed.incrementAndGet();
        Connection physical = borrowedConnection.isWrapperFor(Connection.class)
                ? borrowedConnection.unwrap(Connection.class) : borrowedConnection;
        Object borrow = new Object();
        holders.put(physical, borrow);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Borrow(borrowedConnection, physical, borrow));
    }

    private final class Borrow implements InvocationHandler {
        private final Connection connection;
        private final Connection physical;
        private final Object borrow;
        private volatile boolean returned;

        Borrow(Connection connection, Connection physical, Object borrow) {
            this.connection = connection;
            this.physical = physical;
            this.borrow = borrow;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("equals") && args != null && args.length == 1) {
                return proxy == args[0];
            }
            if (name.equals("hashCode") && method.getParameterCount() == 0) {
                return System.identityHashCode(proxy);
            }
            if (returned && !name.equals("isClosed") && !name.equals("toString")) {
                usedAfterReturn.incrementAndGet();
                Object holder = holders.get(physical);
                if (holder != null && holder != borrow) {
                    usedWhileAnotherHeldIt.incrementAndGet();
                }
                firstLateCall.compareAndSet(null, name + "() after close, at\n" + stack());
            }
            if (name.equals("close") && !returned) {
                returned = true;
                holders.remove(physical, borrow);
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static String stack() {
        StringBuilder trace = new StringBuilder();
        StackTraceElement[] frames = new Throwable().getStackTrace();
        for (int i = 3; i < Math.min(frames.length, 40); i++) {
            trace.append("    ").append(frames[i]).append('\n');
        }
        return trace.toString();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return iface.isInstance(pool) ? iface.cast(pool) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(pool) || pool.isWrapperFor(iface);
    }
}
