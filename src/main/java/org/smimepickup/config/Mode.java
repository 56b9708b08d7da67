package org.smimepickup.config;

import java.util.Locale;

/** What is done to each message. */
public enum Mode {
    SIGN("sign"),
    ENCRYPT("encrypt"),
    SIGN_ENCRYPT("sign+encrypt");

    private final String text;

    Mode(String text) {
        this.text = text;
    }

    public boolean signs() {
        return this != ENCRYPT;
    }

    public boolean encrypts() {
        return this != SIGN;
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
        throw new IllegalArgumentException("'" + value + "' (use sign, encrypt or sign+encrypt)");
    }
}
