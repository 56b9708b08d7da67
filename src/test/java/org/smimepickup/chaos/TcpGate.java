package org.smimepickup.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on 127.0.0.1 in front of a test server, that can go down (connections refused,
 * open ones cut) and come back on the same port, as a restarted MTA would.
 */
final class TcpGate implements AutoCloseable {
    private final int target;
    private final int port;
    private final List<Socket> open = new ArrayList<>();
    private volatile ServerSocket listener;

    TcpGate(int target) throws IOException {
        this.target = target;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    int port() {
        return port;
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    /** Refuses new connections and cuts the open ones; returns how many were cut. */
    int down() throws IOException {
        listener.close();
        synchronized (open) {
            int cut = open.size() / 2;
            for (Socket socket : open) {
                socket.close();
            }
            open.clear();
            return cut;
        }
    }

    /** Listens again on the same port. */
    void up() throws IOException {
        listener = bind(port);
        startAccepting(listener);
    }

    private void startAccepting(ServerSocket socket) {
        Thread acceptor = new Thread(() -> accept(socket), "tcp-gate-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                synchronized (open) {
                    open.add(client);
                    open.add(server);
                }
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pipe(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread copier = new Thread(() -> {
            try (from; to) {
                in.transferTo(out);
            } catch (IOException e) {
                // either side went away: both are closed, as a real hang-up would
            }
        }, "tcp-gate-pipe");
        copier.setDaemon(true);
        copier.start();
    }

    @Override
    public void close() throws IOException {
        down();
    }
}
