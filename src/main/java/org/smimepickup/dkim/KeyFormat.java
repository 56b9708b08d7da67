package org.smimepickup.dkim;

/** How a private key file is written; both are unencrypted PEM, which both MTAs read. */
public enum KeyFormat {
    /** {@code BEGIN RSA PRIVATE KEY}: what PowerMTA's and OpenDKIM's examples use. */
    PKCS1,
    /** {@code BEGIN PRIVATE KEY}: what {@code openssl genpkey} writes. */
    PKCS8
}
