package org.smimepickup.config;

import java.util.Locale;

/** What is done to each message. */
public enum Mode {
    SIGN("sign"),
    ENCRYPT("encrypt"),
    SIGN_ENCRYPT("sign+encrypt"),
    /** Passed on canonical but unsecured: for policies that exempt some mail. */
    NONE("none");

    private final String text;

    Mode(String text) {
        this.text = text;
    }

    public boolean signs() {
        return this == SIGN || this == SIGN_ENCRYPT;
    }

    public boolean encrypts() {
        return this == ENCRYPT || this == SIGN_ENCRYPT;
    }

    @Override
    public String toString() {
        return text;
    }

    public static Mode parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.text.equals(v)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + value
                + "' (use sign, encrypt, sign+encrypt or none)");
    }
}
