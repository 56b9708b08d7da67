package org.smimepickup.config;

/** The configuration cannot be used; the message says which key and what to change. */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
