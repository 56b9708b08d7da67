package org.smimepickup.deliver;

import java.nio.file.Path;
import java.util.List;

/**
 * Where and how to inject over SMTP. {@code trust} is a PEM bundle of anchors, or null for the
 * system trust store; {@code user} null means no AUTH. {@code warnings} are start-up warnings
 * found while reading the settings (readable password files and the like), logged once by the
 * injector. {@link #toString()} never shows the password.
 */
public record SmtpSettings(String host, int port, SmtpTls tls, Path trust, boolean verify,
        String user, String password, boolean authPlaintext, String helo, int connections,
        int timeoutSeconds, List<String> warnings) {

    /** What the password is shown as: fixed length, so not even its length leaks. */
    public static final String MASK = "****";

    public SmtpSettings {
        warnings = List.copyOf(warnings);
    }

    /** The connection line of the {@code send} command and the start-up log. */
    public String describe() {
        return "smtp " + host + ":" + port + " tls=" + tls + (verify ? "" : " (unverified)")
                + " user=" + (user == null ? "-" : user)
                + " password=" + (password == null ? "-" : MASK)
                + " connections=" + connections;
    }

    @Override
    public String toString() {
        return describe();
    }
}
