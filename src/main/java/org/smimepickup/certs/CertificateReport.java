package org.smimepickup.certs;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** One key or certificate as {@code smime-pickup certs} lists it. */
public record CertificateReport(String role, Path file, List<String> addresses, String issuer,
        Instant notAfter, List<String> problems) {

    static CertificateReport of(String role, Path file, X509Certificate certificate,
            List<String> problems) {
        return new CertificateReport(role, file,
                List.copyOf(CertificateCheck.addresses(certificate)),
                certificate.getIssuerX500Principal().getName(),
                certificate.getNotAfter().toInstant(), List.copyOf(problems));
    }
}
