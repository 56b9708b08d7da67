package org.smimepickup.deliver;

import java.io.IOException;
import java.util.List;

/**
 * The scripted SMTP server for tests in other packages, asking for AUTH with one user and
 * password: what logins it saw and what it received.
 */
public final class AuthSmtpServerAccess implements AutoCloseable {
    private final ScriptedSmtpServer server = new ScriptedSmtpServer();

    public AuthSmtpServerAccess(String user, String password) throws IOException {
        server.user = user;
        server.password = password;
    }

    public int port() {
        return server.port();
    }

    /** Every login tried, as {@code user:password}. */
    public List<String> logins() {
        return List.copyOf(server.logins);
    }

    public int receivedCount() {
        return server.received.size();
    }

    public byte[] raw(int n) {
        return server.received.get(n).raw();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
