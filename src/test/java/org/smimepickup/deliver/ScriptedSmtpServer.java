package org.smimepickup.deliver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server on 127.0.0.1 and a free port, scripted per test to inject faults: a
 * greeting other than 220, refusals per recipient, a reply after DATA, a connection dropped in
 * the middle of DATA or closed after a message. Keeps every transaction's bytes as they came
 * over the wire and dot-unstuffed. One thread per connection; {@link #close()} stops all.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    /** One accepted transaction: envelope, the DATA bytes as sent, and unstuffed. */
    record Received(String sender, List<String> recipients, byte[] raw, byte[] message,
            String mailLine) {
    }

    private final ServerSocket listener;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    final List<String> logins = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger connections = new AtomicInteger();

    // the script: set before the client connects
    volatile Function<Integer, String> greeting = n -> "220 scripted ESMTP";
    volatile List<String> extensions = List.of("PIPELINING", "SIZE 10000000", "8BITMIME");
    volatile Function<String, String> rcptReply = address -> "250 2.1.5 ok";
    volatile String dataReply = "354 go ahead";
    volatile String endReply = "250 2.0.0 queued";
    volatile boolean dropMidData;
    /** After this many messages on one connection, answer the next command with 421. */
    volatile int closeAfterMessages = Integer.MAX_VALUE;
    /** After this many messages on one connection, hang up without a word. */
    volatile int resetAfterMessages = Integer.MAX_VALUE;
    volatile boolean silent;
    volatile SSLContext tls;
    volatile String user;
    volatile String password;

    ScriptedSmtpServer() throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "scripted-smtp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                int n = connections.incrementAndGet();
                Thread worker = new Thread(() -> serve(socket, n), "scripted-smtp-" + n);
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            new Conversation(socket, connection).run();
        } catch (IOException e) {
            // the client went away, or the test closed the server: both end the conversation
        }
    }

    /** The state of one connection. */
    private final class Conversation {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final int connection;
        private int messages;
        private String sender;
        private final List<String> recipients = new ArrayList<>();
        private String mailLine;

        Conversation(Socket socket, int connection) throws IOException {
            this.connection = connection;
            attach(socket);
        }

        private void attach(Socket s) throws IOException {
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        void run() throws IOException {
            if (silent) {
                in.read();
                return;
            }
            String hello = greeting.apply(connection);
            reply(hello);
            if (!hello.startsWith("220")) {
                return;
            }
            for (String line = readLine(); line != null; line = readLine()) {
                if (!handle(line)) {
                    return;
                }
            }
        }

        /** Answers one command; false when the connection is to end. */
        private boolean handle(String line) throws IOException {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            commands.add(verb.equals("AUTH") ? "AUTH" : line);
            if (messages >= resetAfterMessages) {
                return false;
            }
            if (messages >= closeAfterMessages) {
                reply("421 4.4.2 closing, too many messages on this connection");
                return false;
            }
            switch (verb) {
                case "EHLO" -> ehlo();
                case "HELO" -> reply("250 scripted");
                case "STARTTLS" -> startTls();
                case "AUTH" -> auth(line);
                case "MAIL" -> mail(line);
                case "RCPT" -> rcpt(line);
                case "DATA" -> {
                    return data();
                }
                case "RSET" -> {
                    reset();
                    reply("250 2.0.0 reset");
                }
                case "QUIT" -> {
                    reply("221 2.0.0 bye");
                    return false;
                }
                default -> reply("502 5.5.2 not implemented");
            }
            return true;
        }

        private void ehlo() throws IOException {
            List<String> lines = new ArrayList<>(List.of("scripted"));
            lines.addAll(extensions);
            if (tls != null && !(socket instanceof SSLSocket)) {
                lines.add("STARTTLS");
            }
            if (user != null) {
                lines.add("AUTH LOGIN PLAIN");
            }
            for (int i = 0; i < lines.size(); i++) {
                reply("250" + (i == lines.size() - 1 ? " " : "-") + lines.get(i));
            }
        }

        private void startTls() throws IOException {
            reply("220 2.0.0 ready to start TLS");
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            ssl.setUseClientMode(false);
            ssl.startHandshake();
            attach(ssl);
        }

        private void auth(String line) throws IOException {
            String[] words = line.split(" ");
            String login;
            if (words[1].equalsIgnoreCase("PLAIN")) {
                String[] parts = decode(words[2]).split("\0", -1);
                login = parts[1] + ":" + parts[2];
            } else {
                reply("334 VXNlcm5hbWU6");
                String name = decode(readLine());
                reply("334 UGFzc3dvcmQ6");
                login = name + ":" + decode(readLine());
            }
            logins.add(login);
            reply(login.equals(user + ":" + password) ? "235 2.7.0 authenticated"
                    : "535 5.7.8 authentication failed");
        }

        private void mail(String line) throws IOException {
            reset();
            mailLine = line;
            sender = address(line);
            reply("250 2.1.0 ok");
        }

        private void rcpt(String line) throws IOException {
            String address = address(line);
            String answer = rcptReply.apply(address);
            if (answer.startsWith("2")) {
                recipients.add(address);
            }
            reply(answer);
        }

        private boolean data() throws IOException {
            if (sender == null || recipients.isEmpty()) {
                reply("554 5.5.1 no valid recipients");
                return true;
            }
            reply(dataReply);
            if (!dataReply.startsWith("354")) {
                return true;
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            for (byte[] line = readRawLine(); ; line = readRawLine()) {
                if (line == null) {
                    return false;
                }
                if (dropMidData) {
                    return false;
                }
                if (new String(line, StandardCharsets.ISO_8859_1).equals(".\r\n")) {
                    break;
                }
                raw.write(line);
                int skip = line.length > 0 && line[0] == '.' ? 1 : 0;
                message.write(line, skip, line.length - skip);
            }
            // recorded before the reply, so that the test sees it once the client returns
            if (endReply.startsWith("2")) {
                received.add(new Received(sender, List.copyOf(recipients), raw.toByteArray(),
                        message.toByteArray(), mailLine));
            }
            reply(endReply);
            messages++;
            reset();
            return true;
        }

        private void reset() {
            sender = null;
            recipients.clear();
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        private String readLine() throws IOException {
            byte[] line = readRawLine();
            if (line == null) {
                return null;
            }
            String text = new String(line, StandardCharsets.ISO_8859_1);
            return text.replaceAll("\r?\n$", "");
        }

        private byte[] readRawLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                line.write(b);
                if (b == '\n') {
                    return line.toByteArray();
                }
            }
            return null;
        }
    }

    private static String address(String line) {
        int open = line.indexOf('<');
        int close = line.indexOf('>', open);
        return line.substring(open + 1, close);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    }

    /** The port of a server that was started and closed again: nothing listens there. */
    static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (sockets) {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
