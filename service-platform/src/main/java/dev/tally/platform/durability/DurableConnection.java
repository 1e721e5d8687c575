package dev.tally.platform.durability;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.Session;

/**
 * A connection to an embedded H2 file database whose write commits return only once they are on disk.
 *
 * <p>Every way a write gets committed through JDBC is covered:
 * <ul>
 *   <li>{@link Connection#commit()} (Spring's transaction managers, hence Axon's units of work and every
 *   {@code TransactionTemplate}): if the transaction wrote anything, as H2 itself tells
 *   ({@code Session.hasPendingTransaction()}, read just before the commit), the commit waits for a group sync that
 *   started after it. A transaction that only read (tracking processors poll in them constantly) waits for nothing.</li>
 *   <li>{@link Connection#setAutoCommit setAutoCommit(true)} in the middle of a transaction, which commits it.</li>
 *   <li>A statement executed in auto-commit mode (a {@code JdbcTemplate} outside a transaction): every
 *   {@code executeUpdate}, {@code executeBatch} and {@code execute} that produced no result set waits for a sync
 *   after it returns. {@code executeQuery} and an {@code execute} that answered rows are reads.</li>
 *   <li>A statement that ended the transaction itself (SQL {@code COMMIT}, or DDL, which H2 commits implicitly):
 *   when the transaction had written before the statement and has nothing pending after it.</li>
 * </ul>
 * A rolled-back transaction, or one a closing pool rolls back, is never acknowledged, so it waits for nothing.
 */
final class DurableConnection implements InvocationHandler {
    private final Connection target;
    private final GroupSync sync;
    private final Connection proxy;
    private final Session session;

    private DurableConnection(Connection target, Session session, GroupSync sync) {
        this.target = target;
        this.session = session;
        this.sync = sync;
        this.proxy = (Connection) Proxy.newProxyInstance(DurableConnection.class.getClassLoader(),
                new Class<?>[]{Connection.class}, this);
    }

    /** {@code session} is the H2 session behind {@code target}. */
    static Connection wrap(Connection target, Session session, GroupSync sync) {
        return new DurableConnection(target, session, sync).proxy;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "commit" -> {
                boolean wrote = pendingWrites();
                target.commit();
                if (wrote) {
                    awaitDurable();
                }
                return null;
            }
            case "setAutoCommit" -> {
                if ((Boolean) args[0] && !target.getAutoCommit()) {
                    boolean wrote = pendingWrites();
                    target.setAutoCommit(true);
                    if (wrote) {
                        awaitDurable();
                    }
                    return null;
                }
                return call(target, method, args);
            }
            case "createStatement", "prepareStatement", "prepareCall" -> {
                return statement((Statement) call(target, method, args), method.getReturnType());
            }
            default -> {
                return wrapperOrCall(self, target, method, args);
            }
        }
    }

    /** Whether the current transaction has changed anything (H2's own answer, read before it ends). */
    boolean pendingWrites() {
        return session.hasPendingTransaction();
    }

    void awaitDurable() throws SQLException {
        sync.awaitDurable(sync.committed(), target);
    }

    boolean autoCommit() throws SQLException {
        return target.getAutoCommit();
    }

    private Object statement(Statement statement, Class<?> type) {
        Class<?> api = CallableStatement.class.isAssignableFrom(type) ? CallableStatement.class
                : PreparedStatement.class.isAssignableFrom(type) ? PreparedStatement.class : Statement.class;
        return Proxy.newProxyInstance(DurableConnection.class.getClassLoader(), new Class<?>[]{api},
                new DurableStatement(statement, this));
    }

    Connection proxy() {
        return proxy;
    }

    /**
     * What both proxies answer alike: wrapping ({@code unwrap}, {@code isWrapperFor} see the proxy first), identity
     * (a proxy equals only itself), and otherwise the call passed on to {@code target}.
     */
    static Object wrapperOrCall(Object self, Object target, Method method, Object[] args) throws Throwable {
        return switch (method.getName()) {
            case "unwrap" -> ((Class<?>) args[0]).isInstance(self) ? self : call(target, method, args);
            case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(self) || (Boolean) call(target, method, args);
            case "equals" -> self == args[0];
            case "hashCode" -> System.identityHashCode(self);
            case "toString" -> "durable " + target;
            default -> call(target, method, args);
        };
    }

    static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A statement of a {@link DurableConnection}: waits after the executions that committed a write. */
    private static final class DurableStatement implements InvocationHandler {
        private final Statement target;
        private final DurableConnection connection;

        DurableStatement(Statement target, DurableConnection connection) {
            this.target = target;
            this.connection = connection;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "execute", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch" -> {
                    boolean autoCommit = connection.autoCommit();
                    boolean pendingBefore = !autoCommit && connection.pendingWrites();
                    Object result = call(target, method, args);
                    boolean answeredRows = "execute".equals(name) && (Boolean) result;
                    if (autoCommit ? !answeredRows : pendingBefore && !connection.pendingWrites()) {
                        connection.awaitDurable();
                    }
                    return result;
                }
                case "getConnection" -> {
                    return connection.proxy();
                }
                default -> {
                    return wrapperOrCall(self, target, method, args);
                }
            }
        }
    }
}
