package org.smimepickup.chaos;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Malformed and hostile message files, each with a label saying what it tries: broken MIME
 * structure, huge or many headers, deep nesting, NUL and 8-bit bytes, bad charsets and
 * encodings, address tricks aimed at the key and certificate folders, odd file names, empty and
 * oversized files. Regular files only; links, FIFOs and devices are made by the test itself.
 */
final class HostileInputs {
    /** One hostile file: a name safe to create from Java, and its bytes. */
    record Hostile(String label, String name, byte[] data) {
    }

    static final String GOOD_HEADER = "From: Alerts <" + ChaosRig.SENDER + ">\r\n"
            + "To: " + ChaosRig.ANA + "\r\nSubject: hostile\r\n";

    private final List<Hostile> inputs = new ArrayList<>();
    private final int maxBytes;

    private HostileInputs(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Every hostile file, for a daemon whose {@code max.message.bytes} is {@code maxBytes}. */
    static List<Hostile> all(int maxBytes) {
        HostileInputs h = new HostileInputs(maxBytes);
        h.truncatedMime();
        h.boundaries();
        h.manyAndHugeHeaders();
        h.nesting();
        h.nulAndEightBit();
        h.charsetsAndEncodings();
        h.addressTricks();
        h.envelopeLines();
        h.shapes();
        h.names();
        h.sizes();
        return List.copyOf(h.inputs);
    }

    private void add(String label, String data) {
        add(label, data.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void add(String label, byte[] data) {
        add(label, "h" + inputs.size() + "-" + label + ".eml", data);
    }

    private void add(String label, String name, byte[] data) {
        inputs.add(new Hostile(label, name, data));
    }

    private static String multipart(String boundary, String... parts) {
        StringBuilder body = new StringBuilder(GOOD_HEADER).append("MIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/mixed; boundary=\"").append(boundary)
                .append("\"\r\n\r\npreamble\r\n");
        for (String part : parts) {
            body.append("--").append(boundary).append("\r\n").append(part).append("\r\n");
        }
        return body.append("--").append(boundary).append("--\r\n").toString();
    }

    private static final String TEXT_PART = "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            + "some text\r\n";
    private static final String BASE64_PART = "Content-Type: application/octet-stream\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"a.bin\"\r\n\r\n"
            + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEy\r\n";

    private void truncatedMime() {
        String whole = multipart("b1", TEXT_PART, BASE64_PART, TEXT_PART);
        for (int i = 1; i <= 20; i++) {
            add("truncated-at-" + i * 5 + "-percent", whole.substring(0,
                    whole.length() * i * 5 / 100 - (i == 20 ? 1 : 0)));
        }
        add("truncated-in-header-name", "From: Alerts <" + ChaosRig.SENDER + ">\r\nTo: "
                + ChaosRig.ANA + "\r\nSubj");
        add("truncated-in-base64-quantum", multipart("b2", BASE64_PART).replace(
                "--b2--\r\n", "").substring(0, 300));
    }

    private void boundaries() {
        add("no-closing-boundary", multipart("b", TEXT_PART).replace("--b--\r\n", ""));
        add("no-boundary-lines-at-all", GOOD_HEADER + "Content-Type: multipart/mixed;"
                + " boundary=zz\r\n\r\njust text\r\n");
        add("boundary-parameter-missing", GOOD_HEADER + "Content-Type: multipart/mixed\r\n\r\n"
                + "--x\r\n" + TEXT_PART + "--x--\r\n");
        add("boundary-empty", GOOD_HEADER + "Content-Type: multipart/mixed; boundary=\"\"\r\n"
                + "\r\n--\r\n" + TEXT_PART + "----\r\n");
        add("boundary-repeated-lines", multipart("r", TEXT_PART).replace("--r\r\n",
                "--r\r\n--r\r\n--r\r\n"));
        add("boundary-closing-repeated", multipart("c", TEXT_PART) + "--c--\r\n--c--\r\n");
        add("boundary-200-characters", multipart("q".repeat(200), TEXT_PART));
        add("boundary-same-as-parent", multipart("p", "Content-Type: multipart/mixed;"
                + " boundary=\"p\"\r\n\r\n--p\r\n" + TEXT_PART + "--p--\r\n"));
        add("boundary-with-quotes-and-spaces", multipart("a \" b", TEXT_PART));
        add("ten-thousand-empty-parts", multipart("e", new String[10_000]).replace("null", ""));
    }

    private void manyAndHugeHeaders() {
        StringBuilder many = new StringBuilder(GOOD_HEADER);
        for (int i = 0; i < 10_000; i++) {
            many.append("X-Filler-").append(i).append(": value ").append(i).append("\r\n");
        }
        add("ten-thousand-headers", many + "\r\nbody\r\n");
        add("ten-thousand-received", GOOD_HEADER + "Received: from x by y; Mon, 7 Dec 2026\r\n"
                .repeat(10_000) + "\r\nbody\r\n");
        add("ten-thousand-to-addresses", "From: " + ChaosRig.SENDER + "\r\nTo: "
                + "x@rcpt.example, ".repeat(9_999) + ChaosRig.ANA + "\r\n\r\nbody\r\n");
        add("one-megabyte-subject", "From: " + ChaosRig.SENDER + "\r\nTo: " + ChaosRig.ANA
                + "\r\nSubject: " + "s".repeat(1 << 20) + "\r\n\r\nbody\r\n");
        add("one-megabyte-header-without-colon", GOOD_HEADER + "x".repeat(1 << 20)
                + "\r\n\r\nbody\r\n");
        add("one-megabyte-folded-header", GOOD_HEADER + "X-Folded: a\r\n"
                + " folded continuation line\r\n".repeat(40_000) + "\r\nbody\r\n");
        add("one-megabyte-from", "From: " + "a".repeat(1 << 20) + "@sender.example\r\nTo: "
                + ChaosRig.ANA + "\r\n\r\nbody\r\n");
        add("one-megabyte-file-without-newline", GOOD_HEADER.replace("\r\n", " ")
                + "z".repeat(1 << 20));
        add("one-megabyte-content-type", GOOD_HEADER + "Content-Type: text/plain; "
                + "p=v; ".repeat(200_000) + "\r\n\r\nbody\r\n");
        add("ten-thousand-rfc2231-pieces", GOOD_HEADER + "Content-Type: text/plain\r\n"
                + "Content-Disposition: attachment;\r\n" + pieces(10_000) + "\r\n\r\nbody\r\n");
    }

    private static String pieces(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = n - 1; i >= 0; i--) {
            s.append(" filename*").append(i).append("*=utf-8''%E2%82%AC;\r\n");
        }
        return s.toString();
    }

    private void nesting() {
        add("nested-multipart-100-deep", nested(100));
        add("nested-multipart-1000-deep", nested(1000));
        StringBuilder rfc822 = new StringBuilder(GOOD_HEADER);
        for (int i = 0; i < 100; i++) {
            rfc822.append("Content-Type: message/rfc822\r\n\r\nSubject: level ").append(i)
                    .append("\r\n");
        }
        add("nested-message-rfc822-100-deep", rfc822 + "\r\ninnermost\r\n");
    }

    private static String nested(int depth) {
        StringBuilder open = new StringBuilder(GOOD_HEADER);
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            open.append("Content-Type: multipart/mixed; boundary=\"n").append(i)
                    .append("\"\r\n\r\n--n").append(i).append("\r\n");
            close.insert(0, "\r\n--n" + i + "--\r\n");
        }
        return open + TEXT_PART + close;
    }

    private void nulAndEightBit() {
        add("nul-in-header-name", "From: " + ChaosRig.SENDER + "\r\nTo: " + ChaosRig.ANA
                + "\r\nX-\0Nul: v\r\n\r\nbody\r\n");
        add("nul-in-from", "From: alerts\0@sender.example\r\nTo: " + ChaosRig.ANA
                + "\r\n\r\nbody\r\n");
        add("nul-in-to", "From: " + ChaosRig.SENDER + "\r\nTo: ana@rcpt.example\0.evil\r\n"
                + "\r\nbody\r\n");
        add("nul-in-body", GOOD_HEADER + "\r\nbefore\0after\r\n\0\0\0\r\n");
        add("nul-in-boundary", multipart("nu\0l", TEXT_PART));
        add("only-nul-bytes", "\0".repeat(4096));
        add("eight-bit-in-from", "From: \u00e9l\u00e8ve@sender.example\r\nTo: " + ChaosRig.ANA
                + "\r\n\r\nbody\r\n");
        add("eight-bit-header-names", GOOD_HEADER + "X-\u00ff\u00fe: v\r\n\r\nbody\r\n");
        add("bare-cr-line-endings", GOOD_HEADER.replace("\r\n", "\r") + "\rbody\r");
        add("lf-cr-line-endings", GOOD_HEADER.replace("\r\n", "\n\r") + "\n\rbody\n\r");
        byte[] bom = "\ufeffFrom: alerts@sender.example\r\n".getBytes(StandardCharsets.UTF_16);
        add("utf16-with-bom", bom);
        Random random = new Random(7);
        for (int i = 0; i < 5; i++) {
            byte[] garbage = new byte[1000 + random.nextInt(100_000)];
            random.nextBytes(garbage);
            add("random-bytes-" + i, garbage);
        }
    }

    private void charsetsAndEncodings() {
        add("unknown-charset", GOOD_HEADER + "Content-Type: text/plain; charset=x-no-such\r\n"
                + "\r\nbody \u00e9\r\n");
        add("charset-with-path", GOOD_HEADER + "Content-Type: text/plain;"
                + " charset=\"../../etc/passwd\"\r\n\r\nbody\r\n");
        add("utf8-declared-invalid-bytes", GOOD_HEADER + "Content-Type: text/plain;"
                + " charset=utf-8\r\n\r\n\u00c3\u0028 \u00ff\u00fe\r\n");
        add("encoded-word-unknown-charset", "From: " + ChaosRig.SENDER + "\r\nTo: "
                + ChaosRig.ANA + "\r\nSubject: =?x-nope?B?aGVsbG8=?=\r\n\r\nbody\r\n");
        add("encoded-word-bad-base64", "From: " + ChaosRig.SENDER + "\r\nTo: " + ChaosRig.ANA
                + "\r\nSubject: =?utf-8?B?!!!***?=\r\n\r\nbody\r\n");
        add("encoded-word-bad-q", "From: =?utf-8?Q?=ZZ=?= <" + ChaosRig.SENDER + ">\r\nTo: "
                + ChaosRig.ANA + "\r\n\r\nbody\r\n");
        add("base64-with-garbage", GOOD_HEADER + "Content-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n@@@@ not base64 !!!\r\n=\r\n");
        add("quoted-printable-bad-escapes", GOOD_HEADER + "Content-Type: text/plain\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=4\r\n=");
        add("unknown-transfer-encoding", GOOD_HEADER + "Content-Transfer-Encoding: x-rot13\r\n"
                + "\r\nbody\r\n");
        add("seven-bit-declared-binary-body", GOOD_HEADER + "Content-Transfer-Encoding: 7bit"
                + "\r\n\r\n\u00ff\u00fe\r\r\r\n\u0080\r\n");
        add("binary-encoding-bare-cr", GOOD_HEADER + "Content-Transfer-Encoding: binary\r\n"
                + "\r\n\r\r\r\0\r\n");
        add("content-type-only-semicolons", GOOD_HEADER + "Content-Type: ;;;\r\n\r\nbody\r\n");
        add("content-type-empty-charset", GOOD_HEADER + "Content-Type: text/plain; charset="
                + "\r\n\r\nbody\r\n");
        add("filename-path-trick", multipart("f", "Content-Type: text/plain\r\n"
                + "Content-Disposition: attachment; filename=\"../../../etc/passwd\"\r\n\r\nx"));
        add("already-smime-garbage", GOOD_HEADER + "Content-Type: application/pkcs7-mime;"
                + " smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "MIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\r\n");
    }

    private void addressTricks() {
        String[] froms = {"../../../etc/x@y", "x@../../../etc", "\"../../x\"@sender.example",
            "a/b@sender.example", "alerts@sender.example/../../../etc/x", "%2e%2e/x@y",
            "alerts@[127.0.0.1]", ".@sender.example", "@sender.example", "alerts@",
            "<alerts@sender.example", "(comment", "\"unterminated@sender.example",
            "group: ;", "alerts@sender.example\r\nBcc: evil@x.example", "..\\..\\x@y"};
        for (int i = 0; i < froms.length; i++) {
            add("from-trick-" + i, "From: " + froms[i] + "\r\nTo: " + ChaosRig.ANA
                    + "\r\nSubject: trick\r\n\r\nbody\r\n");
        }
        String[] tos = {"../../../etc/x@y", "ana@rcpt.example/../../../etc/x",
            "x@../../../etc", "\"../../../etc/x\"@y"};
        for (int i = 0; i < tos.length; i++) {
            add("to-trick-" + i, "From: " + ChaosRig.SENDER + "\r\nTo: " + tos[i]
                    + "\r\nSubject: trick\r\n\r\nbody\r\n");
        }
        add("no-from", "To: " + ChaosRig.ANA + "\r\nSubject: s\r\n\r\nbody\r\n");
        add("no-recipients", "From: " + ChaosRig.SENDER + "\r\nSubject: s\r\n\r\nbody\r\n");
        add("from-with-thousand-addresses", "From: " + "a@sender.example, ".repeat(999)
                + ChaosRig.SENDER + "\r\nTo: " + ChaosRig.ANA + "\r\n\r\nbody\r\n");
    }

    private void envelopeLines() {
        add("x-sender-only", "x-sender: " + ChaosRig.SENDER + "\r\n");
        add("x-receiver-path-trick", "x-sender: " + ChaosRig.SENDER + "\r\nx-receiver: "
                + "../../../etc/x@y\r\n" + GOOD_HEADER + "\r\nbody\r\n");
        add("x-receiver-header-injection", "x-sender: " + ChaosRig.SENDER + "\r\nx-receiver: "
                + ChaosRig.ANA + "\rx-receiver: evil@x.example\r\n" + GOOD_HEADER + "\r\nb\r\n");
        add("x-receiver-ten-thousand", "x-sender: " + ChaosRig.SENDER + "\r\n"
                + ("x-receiver: " + ChaosRig.ANA + "\r\n").repeat(10_000) + GOOD_HEADER
                + "\r\nbody\r\n");
        add("x-sender-empty", "x-sender:\r\nx-receiver: " + ChaosRig.ANA + "\r\n" + GOOD_HEADER
                + "\r\nbody\r\n");
        add("envelope-without-message", "x-sender: " + ChaosRig.SENDER + "\r\nx-receiver: "
                + ChaosRig.ANA + "\r\n\r\n");
    }

    private void shapes() {
        add("zero-bytes", new byte[0]);
        add("one-byte", "x");
        add("only-crlf", "\r\n");
        add("header-without-body", GOOD_HEADER);
        add("body-without-header", "\r\njust a body\r\n");
        add("continuation-before-any-header", " folded\r\n" + GOOD_HEADER + "\r\nbody\r\n");
        add("header-line-without-colon", "From " + ChaosRig.SENDER + " Mon Dec 7\r\n"
                + GOOD_HEADER + "\r\nbody\r\n");
    }

    private void names() {
        byte[] good = (GOOD_HEADER + "\r\nname test\r\n").getBytes(StandardCharsets.US_ASCII);
        add("name-newline", "name-with\nnewline.eml", good);
        add("name-carriage-return", "name-with\rcr.eml", good);
        add("name-escape-sequence", "name-\u001b[31mred\u001b[0m.eml", good);
        add("name-tab-and-quote", "name\twith\"quote'.eml", good);
        add("name-leading-dash", "-rf.eml", good);
        add("name-backslash", "name\\..\\x.eml", good);
        add("name-long", "n".repeat(250) + ".eml", good);
        add("name-utf8", "n\u00e4me-\u20ac-\u6f22.eml", good);
        add("name-reason-suffix", "looks-like.reason.eml", good);
    }

    private void sizes() {
        add("over-max-by-one", filler(maxBytes + 1));
        add("three-times-max", filler(maxBytes * 3));
        add("just-under-max-one-line", filler(maxBytes - 16));
    }

    private static byte[] filler(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        byte[] head = (GOOD_HEADER + "\r\n").getBytes(StandardCharsets.US_ASCII);
        out.write(head, 0, head.length);
        byte[] rest = new byte[size - head.length];
        java.util.Arrays.fill(rest, (byte) 'y');
        out.write(rest, 0, rest.length);
        return out.toByteArray();
    }
}
