package dev.twitterarch.compare.chaos;

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

/**
 * A TCP forwarder on the loopback interface between the steps and a shared service (PostgreSQL,
 * RabbitMQ), so a scenario can "restart" the service without touching it: {@link #refuse()} closes
 * every open connection and closes new ones at once (a stopped server), {@link #restore()}
 * forwards again (the server is back, with none of its old connections). The same idea as
 * common's test {@code TcpProxy}, which compare may not import; plain threads, one pair per connection.
 */
final class ServiceProxy implements AutoCloseable {

    private final String name;
    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;
    private volatile boolean closed;

    ServiceProxy(String name, String targetHost, int targetPort) {
        this.name = name;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a port for the " + name + " proxy", e);
        }
        Thread acceptor = new Thread(this::acceptLoop, name + "-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String name() {
        return name;
    }

    /** The service "stops": every connection is closed, new ones are closed at once. */
    synchronized void refuse() {
        refusing = true;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    /** The service is back. */
    synchronized void restore() {
        refusing = false;
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
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, name + "-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        refuse();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
