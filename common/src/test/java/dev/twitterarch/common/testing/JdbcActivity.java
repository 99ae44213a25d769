package dev.twitterarch.common.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Records what the application asks of PostgreSQL, for tests that must prove a code path touches
 * no table: every {@code DataSource} bean is wrapped (a {@link DelegatingDataSource}, so Spring
 * Boot still finds the pool behind it) and every connection taken and every SQL text prepared or
 * executed is recorded with the name of the thread that did it. Import it into a test context with
 * {@code @Import(JdbcActivity.class)} and inject it.
 *
 * <p>Background threads (an outbox relay polling, a worker) use the same pool; a test that looks
 * at one HTTP request filters on {@link Use#byRequestThread()} (Tomcat's request threads are named
 * {@code http-nio-...}).
 */
public final class JdbcActivity implements BeanPostProcessor {

    /** One thing a thread asked of the database: "getConnection", or the SQL text of a statement. */
    public record Use(String thread, String what) {

        public boolean byRequestThread() {
            return thread.startsWith("http-");
        }

        public boolean isConnection() {
            return GET_CONNECTION.equals(what);
        }
    }

    static final String GET_CONNECTION = "getConnection";

    private final List<Use> uses = new CopyOnWriteArrayList<>();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource dataSource && !(bean instanceof Recording)) {
            return new Recording(dataSource);
        }
        return bean;
    }

    /** Forgets everything recorded so far. */
    public void reset() {
        uses.clear();
    }

    public List<Use> all() {
        return List.copyOf(uses);
    }

    /** What threads serving HTTP requests did since the last {@link #reset()}. */
    public List<Use> byRequests() {
        return uses.stream().filter(Use::byRequestThread).toList();
    }

    private void record(String what) {
        uses.add(new Use(Thread.currentThread().getName(), what));
    }

    private final class Recording extends DelegatingDataSource {

        Recording(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            record(GET_CONNECTION);
            return recording(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            record(GET_CONNECTION);
            return recording(super.getConnection(username, password));
        }
    }

    private Connection recording(Connection connection) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                new Recorder(connection, true));
    }

    /** Records SQL passed to {@code prepare*} / {@code execute*} / {@code addBatch}; wraps the statements a connection creates. */
    private final class Recorder implements InvocationHandler {

        private final Object target;
        private final boolean isConnection;

        Recorder(Object target, boolean isConnection) {
            this.target = target;
            this.isConnection = isConnection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("equals") && args != null && args.length == 1) {
                return proxy == args[0];
            }
            if (name.equals("hashCode") && args == null) {
                return System.identityHashCode(proxy);
            }
            if (args != null && args.length > 0 && args[0] instanceof String sql
                    && (name.startsWith("prepare") || name.startsWith("execute") || name.equals("addBatch"))) {
                record(sql);
            }
            if (name.equals("unwrap") && args[0] instanceof Class<?> type && type.isInstance(target)) {
                return target;
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (isConnection && name.equals("createStatement") && result instanceof Statement statement) {
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                        new Recorder(statement, false));
            }
            return result;
        }
    }
}
