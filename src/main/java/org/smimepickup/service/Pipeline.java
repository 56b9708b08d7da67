package org.smimepickup.service;

import java.io.ByteArrayInputStream;
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
import org.smimepickup.config.MessageSettings;
import org.smimepickup.config.Mode;
import org.smimepickup.config.Policies;
import org.smimepickup.deliver.Delivery;
import org.smimepickup.deliver.PartialDelivery;
import org.smimepickup.deliver.PickupWriter;
import org.smimepickup.deliver.SmtpInjector;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.failure.TemporaryFailure;
import org.smimepickup.message.Addresses;
import org.smimepickup.message.Body;
import org.smimepickup.message.CanonicalEntity;
import org.smimepickup.message.Envelope;
import org.smimepickup.message.EnvelopeReader;
import org.smimepickup.message.InputMessage;
import org.smimepickup.message.OuterHeader;
import org.smimepickup.message.Scratch;
import org.smimepickup.smime.ContentCipher;
import org.smimepickup.smime.SmimeEncryptor;
import org.smimepickup.smime.SmimeSigner;
import org.smimepickup.spool.Claim;
import org.smimepickup.spool.Spool;

/**
 * The steps for one claimed file, in order: read, parse, decide, secure, deliver. Settling is
 * the caller's. Thread-safe: all per-message state lives on the stack.
 */
public final class Pipeline implements AutoCloseable {
    private final int maxBytes;
    private final Policies policies;
    private final Spool spool;
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
        this.policies = config.policies();
        this.spool = new Spool(config.spoolDir());
        this.keys = keys;
        this.certs = certs;
        this.signer = new SmimeSigner(config.cryptoEngine());
        this.encryptor = new SmimeEncryptor(ContentCipher.AES256_CBC, config.cryptoEngine());
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
            e.about(envelope.sender(), envelope.recipients().size());
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
        String author = author(input, envelope);
        MessageSettings settings = settings(input, author, envelope);
        SecurityPlan plan = SecurityPlan.decide(settings, envelope, certs);
        if (plan.split()) {
            return split(input, envelope, plan, id);
        }

        // large messages pass through scratch files instead of several copies in memory
        try (Scratch scratch = new Scratch(spool.tmp(), id)) {
            Body entity = CanonicalEntity.body(input);
            if (plan.sign()) {
                entity = signer.sign(entity, keys.find(author), settings.digest(),
                        settings.opaque());
            }
            if (plan.encrypt()) {
                entity = encryptor.encrypt(entity, plan.certificates(), settings.cipher(),
                        settings.keyTransport(), scratch);
            }
            byte[] header = OuterHeader.of(input, id, ZonedDateTime.now());
            String where = delivery.deliver(envelope, header, entity, id);
            return new Delivered(envelope, plan.describe(), where);
        }
    }

    /**
     * The first matching policy's settings; the control header may then choose the mode when
     * that policy (or the global config) allows it.
     */
    private MessageSettings settings(InputMessage input, String author, Envelope envelope)
            throws PermanentFailure {
        MessageSettings settings = policies.resolve(author, envelope.recipients());
        String control = input.header().value(OuterHeader.CONTROL_FIELD);
        if (control == null || !settings.controlHeader()) {
            return settings;
        }
        try {
            return settings.withMode(Mode.parse(control));
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure(OuterHeader.CONTROL_FIELD + " " + e.getMessage());
        }
    }

    /**
     * missing.cert = split: two new inbox files, one for the recipients with a certificate
     * (encrypted when processed) and one for the rest (signed only, since none of them has a
     * certificate), each with its own retries. The original is then done.
     */
    private Delivered split(InputMessage input, Envelope envelope, SecurityPlan plan, String id)
            throws TemporaryFailure {
        List<String> without = new ArrayList<>(envelope.recipients());
        without.removeAll(plan.withCertificate());
        byte[] data = input.data();
        try {
            Path encrypted = spool.accept(id + "-encrypted.eml", new ByteArrayInputStream(
                    PickupWriter.envelopeLines(new Envelope(envelope.sender(),
                            plan.withCertificate(), envelope.extras()))),
                    new ByteArrayInputStream(data, input.headerStart(),
                            data.length - input.headerStart()));
            Path signed = spool.accept(id + "-signed.eml", new ByteArrayInputStream(
                    PickupWriter.envelopeLines(new Envelope(envelope.sender(), without,
                            envelope.extras()))),
                    new ByteArrayInputStream(data, input.headerStart(),
                            data.length - input.headerStart()));
            return new Delivered(envelope, "split (" + plan.withCertificate().size()
                    + " encrypted, " + without.size() + " signed only)",
                    "inbox:" + encrypted.getFileName() + "," + signed.getFileName());
        } catch (IOException e) {
            throw new TemporaryFailure("cannot write the split copies into the inbox: "
                    + e.getMessage(), e);
        }
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

    /**
     * The author, whose key signs: the first From address (what mail clients check); only when
     * there is none, the Sender field or the envelope sender.
     */
    private static String author(InputMessage input, Envelope envelope) throws PermanentFailure {
        List<String> from = Addresses.mailboxes("From", input.header().value("From"));
        if (from.isEmpty()) {
            // no author to check against: the Sender field, then the envelope sender, signs
            from = Addresses.mailboxes("Sender", input.header().value("Sender"));
        }
        if (from.isEmpty() && !envelope.sender().isEmpty()) {
            from = List.of(envelope.sender());
        }
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
}
