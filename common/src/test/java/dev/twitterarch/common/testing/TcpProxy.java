package dev.twitterarch.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on the loopback interface, put between the application and a service (Redis) so
 * a test can take the service away and give it back without touching the service itself:
 * <ul>
 *   <li>{@link #cut()}: every open connection is closed, and new connections are accepted but never
 *       answered (a black hole, as a hung server or a dropped network looks): the client learns of
 *       the outage only through its own timeouts;</li>
 *   <li>{@link #refuse()}: every open connection is closed, and new ones are closed at once (a
 *       stopped server);</li>
 *   <li>{@link #restore()}: forwarding again; what was held in the black hole is closed.</li>
 * </ul>
 * Plain threads, one pair per forwarded connection; loopback only, for tests.
 */
public final class TcpProxy implements AutoCloseable {

    private enum State { FORWARDING, BLACK_HOLE, REFUSING }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private volatile State state = State.FORWARDING;
    private volatile boolean closed;

    public TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy's port", e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The loopback address clients connect to. */
    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far, in any state. */
    public long accepted() {
        return accepted.get();
    }

    /** Closes every connection and swallows new ones silently: clients wait for their timeouts. */
    public synchronized void cut() {
        state = State.BLACK_HOLE;
        closeAll();
    }

    /** Closes every connection and closes new ones at once. */
    public synchronized void refuse() {
        state = State.REFUSING;
        closeAll();
    }

    /** Forwards again (connections held in the black hole are closed, so their clients see the end). */
    public synchronized void restore() {
        state = State.FORWARDING;
        closeAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            admit(client);
        }
    }

    /** Under the lock that changes the state: a connection accepted during a cut is never left forwarding. */
    private synchronized void admit(Socket client) {
        switch (state) {
            case REFUSING -> closeQuietly(client);
            case BLACK_HOLE -> {
                open.add(client);
                pump(client, null); // reads and discards until the socket is closed
            }
            case FORWARDING -> forward(client);
        }
    }

    private void forward(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
    }

    /** Copies {@code from} to {@code to} (or discards when {@code to} is null) on a thread of its own; closes both at the end. */
    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to == null ? OutputStream.nullOutputStream() : to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // closed from either side: the end of this connection
            } finally {
                closeQuietly(from);
                if (to != null) {
                    closeQuietly(to);
                }
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeAll() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.removeIf(Socket::isClosed);
    }

    private void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
        open.remove(socket);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        closeAll();
    }
}
