package org.smimepickup.testing;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one pickup file the daemon wrote against the input it came from, with outside tools
 * only: the pickup format and line rules, decryption by every recipient, the signature against
 * the test CA, the algorithms, and the content as Jakarta Mail reads it. Collects problems
 * instead of stopping at the first, so one failure message tells the whole story.
 */
public final class OutputCheck {
    private static final AtomicInteger CHECKS = new AtomicInteger();
    private static final Pattern MICALG_DIGEST = Pattern.compile(
            "digestAlgorithm:\\s*\\n\\s*algorithm:\\s*(\\S+)");

    private final TestPki pki;
    private final Mode mode;
    private final Path scratch;
    private Gpgsm gpgsm;
    private NssCmsutil nss;

    /** What the daemon was configured to do. */
    public enum Mode {
        SIGN, ENCRYPT, SIGN_AND_ENCRYPT;

        public boolean signs() {
            return this != ENCRYPT;
        }

        public boolean encrypts() {
            return this != SIGN;
        }

        /** The value of the {@code mode} config key. */
        public String configValue() {
            return switch (this) {
                case SIGN -> "sign";
                case ENCRYPT -> "encrypt";
                case SIGN_AND_ENCRYPT -> "sign+encrypt";
            };
        }
    }

    /** Everything learned about one output; {@code problems} empty means it passed. */
    public record Report(List<String> problems, PickupFile pickup, byte[] plaintext,
            byte[] signedEntity, byte[] content, Path folder) {
        public boolean passed() {
            return problems.isEmpty();
        }

        /** The problems, one per line, for an assertion message. */
        public String describe() {
            return String.join("\n  ", problems);
        }
    }

    public OutputCheck(TestPki pki, Mode mode, Path scratch) {
        ExternalTool.require("openssl", "apt-get install openssl");
        this.pki = pki;
        this.mode = mode;
        this.scratch = scratch;
    }

    /** Also decrypt and verify with gpgsm and NSS cmsutil (either may be null). */
    public OutputCheck withReaders(Gpgsm gpgsm, NssCmsutil nss) {
        this.gpgsm = gpgsm;
        this.nss = nss;
        return this;
    }

    public Report check(Path output, byte[] input) throws IOException {
        Path folder = Files.createDirectories(scratch.resolve("check-"
                + CHECKS.incrementAndGet()));
        List<String> problems = new ArrayList<>();
        byte[] data = Files.readAllBytes(output);
        problems.addAll(LineRules.check(data));

        PickupFile pickup = PickupFile.parse(data);
        PickupFile original = PickupFile.parse(input);
        checkEnvelope(pickup, original, problems);

        byte[] plaintext = mode.encrypts() ? decrypt(pickup, folder, problems) : null;
        byte[] entity = mode.encrypts() ? plaintext : pickup.message();
        if (entity == null) {
            return new Report(problems, pickup, null, null, null, folder);
        }
        byte[] signed = mode.signs() ? entity : null;
        byte[] content = mode.signs() ? verify(entity, folder, problems) : entity;
        if (!mode.signs()) {
            expectNotSigned(entity, problems);
        }
        if (content != null) {
            compareContent(original.message(), content, problems);
        }
        compareOuterHeaders(original.message(), pickup.message(), problems);
        return new Report(problems, pickup, plaintext, signed, content, folder);
    }

    private void checkEnvelope(PickupFile pickup, PickupFile original, List<String> problems) {
        if (pickup.envelope().isEmpty() || !pickup.envelope().get(0).name().equals("x-sender")) {
            problems.add("pickup format: the first line is not x-sender");
        }
        Set<String> want = expectedReceivers(original);
        Set<String> got = new TreeSet<>(pickup.receivers());
        if (!got.equals(want)) {
            problems.add("x-receiver lines " + got + ", expected " + want);
        }
        for (PickupFile.Line line : original.envelope()) {
            boolean carried = Set.of("x-envid", "x-job", "x-virtual-mta").contains(line.name());
            if (carried && !pickup.values(line.name()).contains(line.value())) {
                problems.add("envelope line " + line.name() + " not carried over");
            }
        }
    }

    /** The input's x-receiver lines, else every address in To, Cc and Bcc. */
    public static Set<String> expectedReceivers(PickupFile input) {
        Set<String> want = new TreeSet<>(input.receivers());
        if (!want.isEmpty()) {
            return want;
        }
        MimeMessage message = MimeComparison.parse(input.message());
        for (String field : List.of("To", "Cc", "Bcc")) {
            for (String value : headers(message, field)) {
                want.addAll(addresses(value));
            }
        }
        return want;
    }

    private static List<String> headers(MimeMessage message, String name) {
        try {
            String[] values = message.getHeader(name);
            return values == null ? List.of() : Arrays.asList(values);
        } catch (MessagingException e) {
            return List.of();
        }
    }

    private static List<String> addresses(String value) {
        try {
            return Arrays.stream(InternetAddress.parseHeader(value, false))
                    .map(InternetAddress::getAddress).filter(Objects::nonNull)
                    .map(a -> a.toLowerCase(Locale.ROOT)).toList();
        } catch (AddressException e) {
            return List.of();
        }
    }

    /** Decrypts as every recipient that has a test key; all must see the same bytes. */
    private byte[] decrypt(PickupFile pickup, Path folder, List<String> problems)
            throws IOException {
        Path message = Files.write(folder.resolve("message.eml"), pickup.message());
        byte[] plain = null;
        for (String receiver : pickup.receivers()) {
            TestPki.Identity identity = pki.identity(receiver);
            if (identity == null) {
                continue;
            }
            ExternalTool.Result result = OpensslCms.decrypt(message, identity);
            if (!result.ok()) {
                problems.add(receiver + " cannot decrypt: " + result.lastWords());
            } else if (plain != null && !Arrays.equals(plain, result.stdout())) {
                problems.add(receiver + " decrypts to other bytes than the first recipient");
            } else {
                plain = result.stdout();
            }
        }
        if (plain == null) {
            problems.add("no recipient could decrypt");
            return null;
        }
        checkEnvelopedData(message, pickup.receivers().size(), problems);
        readersDecrypt(pickup.message(), plain, folder, problems);
        return plain;
    }

    private void checkEnvelopedData(Path message, int receivers, List<String> problems) {
        String structure = OpensslCms.print(message);
        if (!structure.contains("aes-256-cbc")) {
            problems.add("content encryption is not AES-256-CBC");
        }
        int infos = count(structure, "d.ktri:");
        if (infos != receivers) {
            problems.add(infos + " key transport RecipientInfos for " + receivers
                    + " receivers");
        }
        if (count(structure, "d.issuerAndSerialNumber:") != infos) {
            problems.add("not every recipient is identified by issuer and serial number");
        }
    }

    private void readersDecrypt(byte[] message, byte[] plain, Path folder,
            List<String> problems) throws IOException {
        byte[] body = SmimeParts.body(message);
        if (gpgsm != null) {
            ExternalTool.Result result = gpgsm.decrypt(Files.write(folder.resolve("p7m.b64"),
                    body));
            if (!result.ok() || !Arrays.equals(result.stdout(), plain)) {
                problems.add("gpgsm: decrypt fails or differs from openssl: "
                        + result.lastWords());
            }
        }
        if (nss != null) {
            Path der = Files.write(folder.resolve("p7m.der"),
                    Base64.getMimeDecoder().decode(body));
            ExternalTool.Result result = nss.decrypt(der);
            if (!result.ok() || !Arrays.equals(result.stdout(), plain)) {
                problems.add("nss: decrypt fails or differs from openssl: "
                        + result.lastWords());
            }
        }
    }

    /** Verifies the signed entity; returns the content it signs, or null. */
    private byte[] verify(byte[] entity, Path folder, List<String> problems) throws IOException {
        problems.addAll(LineRules.checkSigned(entity));
        Path file = Files.write(folder.resolve("signed.eml"), entity);
        ExternalTool.Result result = OpensslCms.verify(file, pki.caCertificate(), false);
        if (!result.ok()) {
            problems.add("signature does not verify: " + result.lastWords());
            return null;
        }
        checkSignature(entity, file, problems);
        readersVerify(entity, folder, problems);
        return result.stdout();
    }

    private void checkSignature(byte[] entity, Path file, List<String> problems) {
        String structure = OpensslCms.print(file);
        Matcher digest = MICALG_DIGEST.matcher(structure);
        String used = digest.find() ? digest.group(1) : "none";
        if (!used.equals("sha256")) {
            problems.add("signature digest is " + used + ", expected sha256");
        }
        String micalg = contentTypeParameter(entity, "micalg");
        if (!("sha-" + used.substring(3)).equalsIgnoreCase(String.valueOf(micalg))) {
            problems.add("micalg=" + micalg + " but the digest is " + used);
        }
        if (!structure.contains("1.2.840.113549.1.9.15")
                && !structure.toLowerCase(Locale.ROOT).contains("s/mime capabilities")) {
            problems.add("no SMIMECapabilities signed attribute");
        }
    }

    private void readersVerify(byte[] entity, Path folder, List<String> problems)
            throws IOException {
        if (gpgsm == null && nss == null) {
            return;
        }
        SmimeParts.Detached parts = SmimeParts.detached(entity);
        if (parts == null) {
            problems.add("not a detached multipart/signed entity with two parts");
            return;
        }
        Path data = Files.write(folder.resolve("signed-data"), parts.data());
        if (gpgsm != null) {
            Path sig = Files.write(folder.resolve("p7s.b64"), parts.signatureBase64());
            ExternalTool.Result result = gpgsm.verify(sig, data);
            if (!result.ok()) {
                problems.add("gpgsm: " + result.lastWords());
            }
        }
        if (nss != null) {
            Path der = Files.write(folder.resolve("p7s.der"),
                    Base64.getMimeDecoder().decode(parts.signatureBase64()));
            ExternalTool.Result result = nss.verify(der, data);
            if (!result.ok()) {
                problems.add("nss: " + result.lastWords());
            }
        }
    }

    private static void expectNotSigned(byte[] entity, List<String> problems) {
        String type = String.valueOf(contentType(entity)).toLowerCase(Locale.ROOT);
        if (type.contains("multipart/signed") || type.contains("signed-data")) {
            problems.add("signed although the mode is encrypt: " + type);
        }
    }

    private static void compareContent(byte[] input, byte[] content, List<String> problems) {
        List<String> want = MimeComparison.tree(input);
        List<String> got = MimeComparison.tree(content);
        if (!want.equals(got)) {
            problems.add("content differs after the round trip:\n    input:  "
                    + String.join("\n            ", want) + "\n    output: "
                    + String.join("\n            ", got));
        }
    }

    private static void compareOuterHeaders(byte[] input, byte[] message,
            List<String> problems) {
        Map<String, List<String>> want = MimeComparison.outerHeaders(input);
        Map<String, List<String>> got = MimeComparison.outerHeaders(message);
        want.forEach((name, values) -> {
            List<String> have = got.getOrDefault(name, List.of());
            boolean same = have.size() == values.size();
            for (int i = 0; same && i < values.size(); i++) {
                same = MimeComparison.sameHeaderValue(values.get(i), have.get(i));
            }
            if (!same) {
                problems.add("outer header " + name + " " + values + " became " + have);
            }
        });
        for (String name : List.of("date", "message-id")) {
            if (!got.containsKey(name)) {
                problems.add("no " + name + " in the output");
            }
        }
        if (!headers(MimeComparison.parse(message), "Bcc").isEmpty()) {
            problems.add("Bcc header in the output");
        }
    }

    /** The Content-Type of an entity, or null. */
    public static String contentType(byte[] entity) {
        List<String> values = headers(MimeComparison.parse(entity), "Content-Type");
        return values.isEmpty() ? null : values.get(0);
    }

    private static String contentTypeParameter(byte[] entity, String name) {
        try {
            String type = contentType(entity);
            return type == null ? null : new ContentType(type).getParameter(name);
        } catch (MessagingException e) {
            return null;
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
