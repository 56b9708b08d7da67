package org.smimepickup.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.smimepickup.certs.CertificateStore;
import org.smimepickup.certs.SigningKeys;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.config.Mode;
import org.smimepickup.deliver.Delivery;
import org.smimepickup.deliver.PartialDelivery;
import org.smimepickup.deliver.PickupWriter;
import org.smimepickup.deliver.SmtpInjector;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.failure.TemporaryFailure;
import org.smimepickup.message.Addresses;
import org.smimepickup.message.CanonicalEntity;
import org.smimepickup.message.Envelope;
import org.smimepickup.message.EnvelopeReader;
import org.smimepickup.message.InputMessage;
import org.smimepickup.message.OuterHeader;
import org.smimepickup.smime.SmimeEncryptor;
import org.smimepickup.smime.SmimeSigner;
import org.smimepickup.spool.Claim;

/**
 * The steps for one claimed file, in order: read, parse, decide, secure, deliver. Settling is
 * the caller's. Thread-safe: all per-message state lives on the stack.
 */
public final class Pipeline implements AutoCloseable {
    private final int maxBytes;
    private final Mode mode;
    private final boolean signOnlyWithoutCert;
    private final boolean encryptToSender;
    private final SigningKeys keys;
    private final CertificateStore certs;
    private final SmimeSigner signer;
    private final SmimeEncryptor encryptor;
    private final Delivery delivery;

    /** What was done to one message, for the log line; {@code where} has no spaces. */
    public record Delivered(Envelope envelope, String action, String where) {
    }

    /** Delivers as {@code delivery} in the config says: into {@code pickup}, or over SMTP. */
    public Pipeline(Config config, SigningKeys keys, CertificateStore certs, PickupWriter pickup)
            throws ConfigException {
        this(config, keys, certs, deliveryFor(config, pickup));
    }

    public Pipeline(Config config, SigningKeys keys, CertificateStore certs, Delivery delivery) {
        this.maxBytes = config.maxMessageBytes();
        this.mode = config.mode();
        this.signOnlyWithoutCert = config.missingCertPolicy()
                == org.smimepickup.config.MessageSettings.MissingCert.SIGN_ONLY;
        this.encryptToSender = config.encryptToSender();
        this.keys = keys;
        this.certs = certs;
        this.signer = new SmimeSigner(config.digest());
        this.encryptor = new SmimeEncryptor(config.cipher());
        this.delivery = delivery;
    }

    private static Delivery deliveryFor(Config config, PickupWriter pickup)
            throws ConfigException {
        if (config.smtp() == null) {
            return (envelope, header, entity, id) ->
                    pickup.write(envelope, header, entity, id).toString();
        }
        try {
            SmtpInjector smtp = new SmtpInjector(config.smtp());
            smtp.logStartup();
            return smtp;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("smtp.tls: cannot set up TLS: " + e.getMessage());
        }
    }

    /** The signing keys in use, for the start-up and reload checks. */
    SigningKeys keys() {
        return keys;
    }

    /** The recipient certificates in use, for the start-up and reload checks. */
    CertificateStore certs() {
        return certs;
    }

    public Delivered process(Claim claim, String id)
            throws PermanentFailure, TemporaryFailure {
        InputMessage input = InputMessage.parse(read(claim));
        Envelope envelope = EnvelopeReader.read(input);
        try {
            return process(input, envelope, id);
        } catch (PermanentFailure | TemporaryFailure e) {
            if (e instanceof PartialDelivery partial && !partial.delivered().isEmpty()) {
                keepOnly(claim, input, envelope, partial.undelivered(), e);
            }
            throw e;
        }
    }

    /** The steps after reading, for input that is not in the spool ({@code send}). */
    public Delivered process(byte[] data, String id) throws PermanentFailure, TemporaryFailure {
        InputMessage input = InputMessage.parse(data);
        return process(input, EnvelopeReader.read(input), id);
    }

    private Delivered process(InputMessage input, Envelope envelope, String id)
            throws PermanentFailure, TemporaryFailure {

        List<String> missing = new ArrayList<>();
        List<X509Certificate> recipients = mode.encrypts()
                ? recipientCertificates(envelope, missing) : List.of();
        boolean encrypt = mode.encrypts() && missing.isEmpty();
        boolean sign = mode.signs() || (mode.encrypts() && !encrypt);

        String author = author(input);
        byte[] entity = CanonicalEntity.of(input);
        if (sign) {
            entity = signer.sign(entity, keys.find(author));
        }
        if (encrypt) {
            entity = encryptor.encrypt(entity, recipients);
        }
        byte[] header = OuterHeader.of(input, id, ZonedDateTime.now());
        String where = delivery.deliver(envelope, header, entity, id);
        return new Delivered(envelope, action(sign, encrypt, missing), where);
    }

    /**
     * After a partial delivery, rewrites the claimed file with {@code x-receiver} lines for the
     * recipients still owed the message, so that a retry (or a requeue from failed/) cannot
     * give the others a second copy. When that fails, the message goes to failed/: a reason
     * naming who got it is better than a duplicate.
     */
    private static void keepOnly(Claim claim, InputMessage input, Envelope envelope,
            List<String> undelivered, Exception failure) throws PermanentFailure {
        StringBuilder lines = new StringBuilder("x-sender: <" + envelope.sender() + ">\r\n");
        for (String recipient : undelivered) {
            lines.append("x-receiver: <").append(recipient).append(">\r\n");
        }
        for (String extra : envelope.extras()) {
            lines.append(extra).append("\r\n");
        }
        byte[] data = input.data();
        Path file = claim.path();
        Path partial = file.resolveSibling("." + file.getFileName() + ".recipients.tmp");
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII)));
            out.write(ByteBuffer.wrap(data, input.headerStart(), data.length
                    - input.headerStart()));
            out.force(true);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PermanentFailure(failure.getMessage() + ". Could not record which"
                    + " recipients are left (" + e.getMessage() + "), so it is not retried:"
                    + " send it again to " + String.join(", ", undelivered) + " only");
        }
    }

    /** Ends the SMTP sessions; pickup delivery holds nothing open. */
    @Override
    public void close() {
        if (delivery instanceof SmtpInjector smtp) {
            smtp.close();
        }
    }

    private byte[] read(Claim claim) throws PermanentFailure, TemporaryFailure {
        if (!claim.isRegularFile()) {
            throw new PermanentFailure("not a regular file (" + claim.kind() + "); drop message"
                    + " files, the daemon never follows links or reads pipes");
        }
        try {
            byte[] data = claim.read(maxBytes);
            if (data == null) {
                throw new PermanentFailure("larger than max.message.bytes (" + maxBytes
                        + " bytes); raise the limit or send it another way");
            }
            return data;
        } catch (IOException e) {
            throw new TemporaryFailure("cannot read the claimed file: " + e.getMessage(), e);
        }
    }

    /** Collects the certificates; addresses without one go to {@code missing} with why. */
    private List<X509Certificate> recipientCertificates(Envelope envelope, List<String> missing)
            throws PermanentFailure {
        List<String> readers = new ArrayList<>(envelope.recipients());
        if (encryptToSender && !envelope.sender().isEmpty()) {
            readers.add(envelope.sender());
        }
        List<X509Certificate> found = new ArrayList<>();
        for (String reader : readers) {
            try {
                found.add(certs.find(reader));
            } catch (PermanentFailure e) {
                missing.add(e.getMessage());
            }
        }
        if (!missing.isEmpty() && !signOnlyWithoutCert) {
            throw new PermanentFailure(String.join("; ", missing) + ". Add the certificate, or"
                    + " set missing.cert = sign-only to send such mail signed but unencrypted");
        }
        return found;
    }

    /** The author, whose key signs: the first From address (what mail clients check). */
    private static String author(InputMessage input) throws PermanentFailure {
        List<String> from = Addresses.mailboxes("From", input.header().value("From"));
        if (from.isEmpty()) {
            throw new PermanentFailure("no From address: the signing key is chosen by the"
                    + " author's address; add a From header");
        }
        String author = from.get(0);
        if (!Addresses.isAddrSpec(author)) {
            throw new PermanentFailure("no key for '" + Addresses.printable(author) + "': the From"
                    + " address is not a valid RFC 5322 mailbox, so no key file is looked up");
        }
        return author;
    }

    private String action(boolean sign, boolean encrypt, List<String> missing) {
        String done = sign && encrypt ? "sign+encrypt" : sign ? "sign" : "encrypt";
        if (!missing.isEmpty()) {
            done += " (not encrypted, missing.cert = sign-only: " + missing.size()
                    + " recipient(s) without certificate)";
        }
        return done;
    }
}
