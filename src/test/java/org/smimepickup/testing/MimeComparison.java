package org.smimepickup.testing;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares messages as Jakarta Mail reads them, a MIME parser independent of the daemon's own
 * canonicaliser: the tree of content types, the decoded bytes of every leaf (text compared
 * with LF line ends and without trailing newlines), and the outer headers a reader sees.
 */
public final class MimeComparison {
    private static final Session SESSION = session();
    private static final Pattern ENCODED_WORD = Pattern.compile(
            "=\\?([^?]+)\\?([bBqQ])\\?([^?]*)\\?=");

    private MimeComparison() {
    }

    private static Session session() {
        // read as lenient mail clients do: skip stray characters in base64 (the daemon decodes
        // the same way), and decode a transfer encoding on message/* parts such as
        // message/delivery-status, which RFC 2046 allows
        System.setProperty("mail.mime.base64.ignoreerrors", "true");
        System.setProperty("mail.mime.allowencodedmessages", "true");
        // headers stay ISO-8859-1 here, so 8-bit header bytes can be compared one to one
        return Session.getInstance(new Properties());
    }

    public static MimeMessage parse(byte[] message) {
        try {
            return new MimeMessage(SESSION, new ByteArrayInputStream(message));
        } catch (MessagingException e) {
            throw new AssertionError("Jakarta Mail cannot read the message: " + e, e);
        }
    }

    /**
     * One line per node, depth-first: multiparts and embedded messages by type, leaves by type,
     * decoded length and SHA-256. Equal trees give equal lists.
     */
    public static List<String> tree(byte[] message) {
        List<String> nodes = new ArrayList<>();
        walk(parse(message), "text/plain", "", nodes);
        return nodes;
    }

    /** The decoded bytes of the leaves, in tree order, for checks on one attachment. */
    public static List<byte[]> leaves(byte[] message) {
        List<byte[]> out = new ArrayList<>();
        collect(parse(message), "text/plain", out);
        return out;
    }

    private static void walk(Part part, String defaultType, String indent, List<String> out) {
        String type = type(part, defaultType);
        Multipart multipart = multipart(part, type);
        if (multipart != null) {
            out.add(indent + type);
            children(multipart, type).forEach((child, childDefault) ->
                    walk(child, childDefault, indent + "  ", out));
        } else if (type.equals("message/rfc822")) {
            out.add(indent + type);
            walk(embedded(part), "text/plain", indent + "  ", out);
        } else {
            byte[] bytes = comparable(part, type);
            out.add(indent + type + " " + bytes.length + " bytes sha256:" + sha256(bytes));
        }
    }

    private static void collect(Part part, String defaultType, List<byte[]> out) {
        String type = type(part, defaultType);
        Multipart multipart = multipart(part, type);
        if (multipart != null) {
            children(multipart, type).forEach((child, d) -> collect(child, d, out));
        } else if (type.equals("message/rfc822")) {
            collect(embedded(part), "text/plain", out);
        } else {
            out.add(decoded(part));
        }
    }

    /** The parts of a multipart, each with its default type (RFC 2046: digest means rfc822). */
    private static Map<Part, String> children(Multipart multipart, String type) {
        String childDefault = type.equals("multipart/digest") ? "message/rfc822" : "text/plain";
        Map<Part, String> children = new LinkedHashMap<>();
        try {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                children.put(child, childDefault);
            }
        } catch (MessagingException e) {
            throw new AssertionError("cannot read the parts of " + type + ": " + e, e);
        }
        return children;
    }

    /** The parsed multipart, or null for a leaf or a multipart Jakarta cannot split. */
    private static Multipart multipart(Part part, String type) {
        if (!type.startsWith("multipart/")) {
            return null;
        }
        try {
            Object content = part.getContent();
            if (content instanceof Multipart multipart) {
                multipart.getCount();
                return multipart;
            }
        } catch (MessagingException | IOException e) {
            // unsplittable: compared as one leaf of raw bytes on both sides
        }
        return null;
    }

    private static MimeMessage embedded(Part part) {
        try (InputStream in = part.getInputStream()) {
            return new MimeMessage(SESSION, in);
        } catch (MessagingException | IOException e) {
            throw new AssertionError("cannot read an embedded message: " + e, e);
        }
    }

    private static String type(Part part, String defaultType) {
        try {
            String[] header = part.getHeader("Content-Type");
            if (header == null || header.length == 0) {
                return defaultType;
            }
            return new ContentType(header[0]).getBaseType().toLowerCase(Locale.ROOT);
        } catch (MessagingException e) {
            // 8-bit or broken parameters: the type itself is still what readers go by
            String raw = headerValue(part, "Content-Type");
            return raw.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        }
    }

    private static String headerValue(Part part, String name) {
        try {
            String[] values = part.getHeader(name);
            return values == null || values.length == 0 ? "" : values[0];
        } catch (MessagingException e) {
            return "";
        }
    }

    private static byte[] comparable(Part part, String type) {
        byte[] bytes = decoded(part);
        if (type.startsWith("text/") || type.startsWith("message/")
                || type.startsWith("multipart/")) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
            text = text.replaceAll("\n+$", "");
            bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        }
        return bytes;
    }

    /** The bytes after transfer decoding; the raw bytes when the encoding is unknown. */
    public static byte[] decoded(Part part) {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        } catch (MessagingException | IOException e) {
            return raw(part);
        }
    }

    private static byte[] raw(Part part) {
        try {
            InputStream in = part instanceof MimeBodyPart body ? body.getRawInputStream()
                    : ((MimeMessage) part).getRawInputStream();
            try (in) {
                return in.readAllBytes();
            }
        } catch (MessagingException | IOException e) {
            throw new AssertionError("cannot read a part: " + e, e);
        }
    }

    /**
     * The headers a reader sees outside the S/MIME layer (From, To, Cc, Subject, Date,
     * Message-ID, Reply-To, X-*), by lower-case name, values unfolded.
     */
    public static Map<String, List<String>> outerHeaders(byte[] message) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try {
            Enumeration<Header> headers = parse(message).getAllHeaders();
            while (headers.hasMoreElements()) {
                Header header = headers.nextElement();
                String name = header.getName().toLowerCase(Locale.ROOT);
                if (isOuter(name)) {
                    out.computeIfAbsent(name, n -> new ArrayList<>()).add(unfold(header));
                }
            }
        } catch (MessagingException e) {
            throw new AssertionError("cannot read headers: " + e, e);
        }
        return out;
    }

    private static boolean isOuter(String name) {
        return List.of("from", "to", "cc", "subject", "date", "message-id", "reply-to")
                .contains(name) || name.startsWith("x-");
    }

    private static String unfold(Header header) {
        return header.getValue() == null ? "" : header.getValue().replaceAll("\\s+", " ").strip();
    }

    /**
     * True when two header values say the same: identical, or identical once RFC 2047 encoded
     * words are decoded (8-bit input headers must be encoded to keep the output 7-bit).
     */
    public static boolean sameHeaderValue(String input, String output) {
        if (input.equals(output)) {
            return true;
        }
        boolean eightBit = input.chars().anyMatch(c -> c > 0x7F);
        return eightBit && Arrays.equals(input.getBytes(StandardCharsets.ISO_8859_1),
                encodedWordBytes(output));
    }

    /**
     * The octets an RFC 2047 value stands for, whatever its charset label (unknown-8bit
     * included): encoded words decoded, whitespace between adjacent ones dropped.
     */
    static byte[] encodedWordBytes(String value) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Matcher word = ENCODED_WORD.matcher(value);
        int last = 0;
        boolean previousWasWord = false;
        while (word.find()) {
            String gap = value.substring(last, word.start());
            if (!(previousWasWord && gap.isBlank())) {
                out.writeBytes(gap.getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes(decodeWord(word.group(2), word.group(3)));
            last = word.end();
            previousWasWord = true;
        }
        out.writeBytes(value.substring(last).getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static byte[] decodeWord(String encoding, String text) {
        if (encoding.equalsIgnoreCase("B")) {
            return Base64.getDecoder().decode(text);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=' && i + 2 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c == '_' ? ' ' : c);
            }
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
