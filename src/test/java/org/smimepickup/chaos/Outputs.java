package org.smimepickup.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.smimepickup.testing.PickupFile;

/**
 * Checks on outputs that are quick enough for thousands of files: a pickup file is complete when
 * it has envelope lines, a header, and a base64 body that decodes to one whole CMS
 * EnvelopedData structure with nothing after it. Counts outputs by Message-ID to find
 * duplicates.
 */
final class Outputs {
    private Outputs() {
    }

    /** Null when {@code message} (header and S/MIME body, no envelope lines) is whole. */
    static String problem(byte[] message) {
        if (message.length == 0) {
            return "empty";
        }
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int blank = text.indexOf("\r\n\r\n");
        if (blank < 0) {
            return "no end of header";
        }
        if (!text.substring(0, blank).toLowerCase(Locale.ROOT).contains("pkcs7-mime")) {
            return "not application/pkcs7-mime";
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(blank + 4).strip());
            try (ASN1InputStream in = new ASN1InputStream(der)) {
                ContentInfo info = ContentInfo.getInstance(in.readObject());
                if (in.readObject() != null) {
                    return "bytes after the CMS structure";
                }
                new CMSEnvelopedData(info);
            }
            return null;
        } catch (Exception e) {
            return "body is not a whole CMS structure: " + e;
        }
    }

    /** Null when the pickup file at {@code file} is whole. */
    static String pickupProblem(Path file) throws IOException {
        PickupFile pickup = PickupFile.parse(Files.readAllBytes(file));
        if (pickup.sender() == null || pickup.receivers().isEmpty()) {
            return "no envelope lines";
        }
        return problem(pickup.message());
    }

    /** The Message-ID field of a message or pickup file, or null. */
    static String messageId(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 64 * 1024),
                StandardCharsets.ISO_8859_1);
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                return line.substring(11).strip();
            }
        }
        return null;
    }

    /** How many outputs carry each Message-ID. */
    static Map<String, Integer> byMessageId(List<byte[]> outputs) {
        Map<String, Integer> counts = new HashMap<>();
        for (byte[] output : outputs) {
            counts.merge(String.valueOf(messageId(output)), 1, Integer::sum);
        }
        return counts;
    }

    /** The number of outputs beyond the first for each Message-ID. */
    static int duplicates(Map<String, Integer> byMessageId) {
        return byMessageId.values().stream().mapToInt(n -> n - 1).sum();
    }
}
