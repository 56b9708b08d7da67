package org.smimepickup.certs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.smimepickup.failure.PermanentFailure;

/**
 * The CA certificates of {@code trust.dir}: self-signed ones are anchors, the others are
 * intermediates offered for chain building. Without a folder both are empty and no chain is
 * checked. Immutable; reload by building a new one.
 */
public record TrustAnchors(List<X509Certificate> anchors, List<X509Certificate> intermediates) {
    public static final TrustAnchors NONE = new TrustAnchors(List.of(), List.of());

    public TrustAnchors {
        anchors = List.copyOf(anchors);
        intermediates = List.copyOf(intermediates);
    }

    /** Reads every .crt and .pem file of {@code dir}; null dir means no trust checks. */
    public static TrustAnchors load(Path dir) throws PermanentFailure {
        if (dir == null) {
            return NONE;
        }
        List<X509Certificate> anchors = new ArrayList<>();
        List<X509Certificate> intermediates = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{crt,pem}")) {
            for (Path file : files) {
                for (X509Certificate c : PemFiles.certificates(file)) {
                    boolean selfSigned = c.getSubjectX500Principal()
                            .equals(c.getIssuerX500Principal());
                    (selfSigned ? anchors : intermediates).add(c);
                }
            }
        } catch (IOException e) {
            throw new PermanentFailure("cannot read trust.dir " + dir + ": " + e.getMessage());
        }
        if (anchors.isEmpty()) {
            throw new PermanentFailure("trust.dir " + dir + " holds no self-signed CA"
                    + " certificate; add the CA (PEM, .crt) or leave trust.dir empty");
        }
        return new TrustAnchors(anchors, intermediates);
    }
}
