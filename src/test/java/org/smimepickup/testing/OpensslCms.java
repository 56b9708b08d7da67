package org.smimepickup.testing;

import java.nio.file.Path;
import java.util.List;

/** {@code openssl cms}, the reference reader, on files as they lie on disk. */
public final class OpensslCms {
    private OpensslCms() {
    }

    /** Decrypts an {@code application/pkcs7-mime} message with one recipient's key. */
    public static ExternalTool.Result decrypt(Path message, TestPki.Identity recipient) {
        return ExternalTool.run(List.of("openssl", "cms", "-decrypt", "-in", message.toString(),
                "-recip", recipient.certificate().toString(),
                "-inkey", recipient.key().toString()));
    }

    /**
     * Verifies a signed entity against the test CA only (the signer's certificate must travel
     * in the message) for S/MIME signing; {@code binary} verifies without openssl's text-mode
     * translation of line endings.
     */
    public static ExternalTool.Result verify(Path entity, Path caCertificate, boolean binary) {
        List<String> command = ExternalTool.args("openssl", "cms", "-verify",
                "-in", entity.toString(), "-CAfile", caCertificate.toString(),
                "-purpose", "smimesign");
        if (binary) {
            command.add("-binary");
        }
        return ExternalTool.run(command);
    }

    /**
     * Verifies a detached DER signature over {@code data} exactly as the bytes stand
     * ({@code -binary}: no translation of line endings), against the test CA.
     */
    public static ExternalTool.Result verifyDetachedBinary(Path signatureDer, Path data,
            Path caCertificate) {
        return ExternalTool.run(List.of("openssl", "cms", "-verify", "-binary",
                "-inform", "DER", "-in", signatureDer.toString(), "-content", data.toString(),
                "-CAfile", caCertificate.toString(), "-purpose", "smimesign", "-out",
                "/dev/null"));
    }

    /** The ASN.1 structure of the CMS object in an S/MIME entity, as text. */
    public static String print(Path entity) {
        ExternalTool.Result result = ExternalTool.run(List.of("openssl", "cms", "-cmsout",
                "-print", "-noout", "-in", entity.toString()));
        if (!result.ok()) {
            throw new AssertionError("openssl cannot print the CMS structure: "
                    + result.lastWords());
        }
        return result.stdoutText();
    }
}
