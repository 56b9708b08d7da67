package org.smimepickup.deliver;

import java.util.Locale;

/** How an SMTP session is protected. */
public enum SmtpTls {
    /** Plain text, STARTTLS never tried. */
    NONE("none"),
    /** STARTTLS when the server offers it, plain text otherwise. */
    STARTTLS("starttls"),
    /** STARTTLS or nothing: a server that does not offer it gets no message. */
    REQUIRED("required"),
    /** TLS from the first byte (implicit TLS, normally port 465). */
    SMTPS("smtps");

    private final String text;

    SmtpTls(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }

    public static SmtpTls parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (SmtpTls tls : values()) {
            if (tls.text.equals(v)) {
                return tls;
            }
        }
        throw new IllegalArgumentException("'" + value
                + "' (use none, starttls, required or smtps)");
    }
}
