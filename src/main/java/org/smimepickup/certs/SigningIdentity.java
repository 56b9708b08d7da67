package org.smimepickup.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A private key with its certificate and any intermediates, for one author address. The key is
 * never printed: {@link #toString()} names the certificate only.
 */
public record SigningIdentity(String address, PrivateKey key, X509Certificate certificate,
        List<X509Certificate> chain) {
    public SigningIdentity {
        chain = List.copyOf(chain);
    }

    @Override
    public String toString() {
        return "SigningIdentity[" + address + ", " + certificate.getSubjectX500Principal() + "]";
    }
}
