package org.smimepickup.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.smimepickup.deliver.SmtpSettings;
import org.smimepickup.deliver.SmtpTls;
import org.smimepickup.message.Addresses;

/**
 * {@code check-config --connect}: is the SMTP server there and does it greet with 220? Blocks
 * for at most {@code smtp.timeout.seconds} twice (connect, greeting).
 */
// TODO: run EHLO, STARTTLS and AUTH through the injector's session too, so that a certificate
// or password problem shows here rather than on the first message; needs a probe entry point
// in SmtpInjector. Until then an smtps server is only connected to, its TLS is not checked.
final class SmtpProbe {
    private SmtpProbe() {
    }

    /** Null when the server answered as expected, else what went wrong, naming the keys. */
    static String problem(SmtpSettings smtp) {
        String where = smtp.host() + ":" + smtp.port();
        int timeout = smtp.timeoutSeconds() * 1000;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(smtp.host(), smtp.port()), timeout);
            if (smtp.tls() == SmtpTls.SMTPS) {
                return null;
            }
            socket.setSoTimeout(timeout);
            String greeting = greeting(socket);
            if (greeting == null || !greeting.startsWith("220")) {
                return "smtp.host/smtp.port: " + where + " greeted with '"
                        + Addresses.printable(String.valueOf(greeting)) + "', not 220";
            }
            quit(socket.getOutputStream());
            return null;
        } catch (IOException e) {
            return "smtp.host/smtp.port: cannot reach " + where + ": " + e.getMessage();
        }
    }

    /** The last line of a possibly multi-line greeting ("220-..." continues it). */
    private static String greeting(Socket socket) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII));
        String line = in.readLine();
        while (line != null && line.startsWith("220-")) {
            line = in.readLine();
        }
        return line;
    }

    private static void quit(OutputStream out) {
        try {
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // the greeting was what we wanted; a server that hangs up first is fine
        }
    }
}
