package org.smimepickup.deliver;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The scripted SMTP server for tests in other packages: refusals and what was received. */
public final class ScriptedSmtpServerAccess implements AutoCloseable {
    private final ScriptedSmtpServer server = new ScriptedSmtpServer();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();

    public ScriptedSmtpServerAccess() throws IOException {
        server.rcptReply = address -> refusals.getOrDefault(address, "250 2.1.5 ok");
    }

    public int port() {
        return server.port();
    }

    /** Answers RCPT for {@code address} with {@code reply}; null accepts it again. */
    public void refuse(String address, String reply) {
        if (reply == null) {
            refusals.remove(address);
        } else {
            refusals.put(address, reply);
        }
    }

    public List<?> received() {
        return List.copyOf(server.received);
    }

    public byte[] raw(int n) {
        return server.received.get(n).raw();
    }

    public byte[] message(int n) {
        return server.received.get(n).message();
    }

    public List<String> recipients(int n) {
        return server.received.get(n).recipients();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
