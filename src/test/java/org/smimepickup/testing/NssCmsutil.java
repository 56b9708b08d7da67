package org.smimepickup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Mozilla NSS's cmsutil, the CMS code Thunderbird uses, on a private database: the test CA
 * trusted for e-mail ({@code C,C,C}) and every test key imported. cmsutil reads DER, not MIME.
 */
public final class NssCmsutil {
    private final String db;

    public NssCmsutil(Path dir, TestPki pki) throws IOException {
        ExternalTool.require("cmsutil", "apt-get install libnss3-tools");
        ExternalTool.require("certutil", "apt-get install libnss3-tools");
        ExternalTool.require("pk12util", "apt-get install libnss3-tools");
        Files.createDirectories(dir);
        this.db = "sql:" + dir;
        ExternalTool.check("certutil", "-N", "-d", db, "--empty-password");
        ExternalTool.check("certutil", "-A", "-d", db, "-n", "test-ca", "-t", "C,C,C",
                "-i", pki.caCertificate().toString());
        for (TestPki.Identity identity : pki.identities()) {
            Path p12 = pki.pkcs12(identity, dir, false);
            ExternalTool.check("pk12util", "-i", p12.toString(), "-d", db, "-W", "test");
        }
    }

    /** Decrypts DER EnvelopedData; the plaintext is on stdout. */
    public ExternalTool.Result decrypt(Path der) {
        return ExternalTool.run(List.of("cmsutil", "-D", "-d", db, "-i", der.toString()));
    }

    /** Verifies a detached DER signature over {@code data} for e-mail signing (usage 4). */
    public ExternalTool.Result verify(Path der, Path data) {
        return ExternalTool.run(List.of("cmsutil", "-D", "-d", db, "-i", der.toString(),
                "-c", data.toString(), "-u", "4", "-n"));
    }
}
