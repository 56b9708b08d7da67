package org.smimepickup.smime;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.crypto.spec.IvParameterSpec;
import org.apache.commons.io.output.CloseShieldOutputStream;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JceAsymmetricKeyWrapper;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Body;
import org.smimepickup.message.ByteSink;
import org.smimepickup.message.Scratch;
import org.tinylog.Logger;

/**
 * Encrypts a MIME entity once for all its recipients: one EnvelopedData with a key-transport
 * RecipientInfo per certificate, identified by issuer and serial number; AES-GCM goes in
 * AuthEnvelopedData. Thread-safe.
 */
public final class SmimeEncryptor {
    private final ContentCipher cipher;
    private final boolean openssl;

    public SmimeEncryptor() {
        this(ContentCipher.AES256_CBC, CryptoEngine.AUTO);
    }

    public SmimeEncryptor(ContentCipher cipher) {
        this(cipher, CryptoEngine.AUTO);
    }

    /** {@code engine} decides who wraps content keys with PKCS#1 v1.5 (OAEP: always Java). */
    public SmimeEncryptor(ContentCipher cipher, CryptoEngine engine) {
        this.cipher = cipher;
        this.openssl = engine.usesOpenssl();
    }

    /** With the cipher given at construction and PKCS#1 v1.5 key transport. */
    public byte[] encrypt(byte[] entity, List<X509Certificate> recipients)
            throws PermanentFailure {
        return encrypt(entity, recipients, cipher, KeyTransport.PKCS1);
    }

    /** The complete application/pkcs7-mime entity, header fields first, CRLF throughout. */
    public byte[] encrypt(byte[] entity, List<X509Certificate> recipients, ContentCipher cipher,
            KeyTransport transport) throws PermanentFailure {
        ByteBuffer der = envelope(Body.of(entity), recipients, cipher, transport, openssl);
        ByteSink out = new ByteSink(der.remaining() * 4 / 3 + 512);
        writeHeader(out, cipher);
        out.bytes(BASE64.encode(der).array()).crlf();
        return out.toByteArray();
    }

    /**
     * As {@link #encrypt(byte[], List, ContentCipher, KeyTransport)}; a body larger than
     * {@link #STREAM_ABOVE} is encrypted as a stream into a scratch file, so that neither the
     * plaintext nor the ciphertext is held in memory twice.
     */
    public Body encrypt(Body entity, List<X509Certificate> recipients, ContentCipher cipher,
            KeyTransport transport, Scratch scratch) throws PermanentFailure {
        try {
            if (entity.length() <= STREAM_ABOVE) {
                // the entity streams into the cipher and the base64 is not copied again: a
                // large message was copied twice here before it was encrypted and once after
                ByteBuffer der = envelope(entity, recipients, cipher, transport, openssl);
                ByteSink header = new ByteSink(256);
                writeHeader(header, cipher);
                return Body.concat(header.toBody(), Body.of(BASE64.encode(der).array()),
                        Body.of(CRLF));
            }
            Path file = scratch.newFile();
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file),
                    1 << 16)) {
                ByteSink header = new ByteSink(256);
                writeHeader(header, cipher);
                header.writeTo(out);
                stream(entity, recipients, cipher, transport, openssl, out);
            }
            return Body.of(file);
        } catch (IOException | CMSException e) {
            throw new PermanentFailure("cannot encrypt: " + e.getMessage(), e);
        }
    }

    /** Bodies up to this size are encrypted in memory (CBC: into one DER object). */
    static final long STREAM_ABOVE = 4L << 20;

    private static final SecureRandom IVS = new SecureRandom();
    /** Lines of 76 characters, each ending in CRLF, as {@link Mime#base64}. Thread-safe. */
    private static final Base64.Encoder BASE64 =
            Base64.getMimeEncoder(76, new byte[] {'\r', '\n'});
    private static final byte[] CRLF = {'\r', '\n'};

    private static void writeHeader(ByteSink out, ContentCipher cipher) {
        String smimeType = cipher.authenticated() ? "authEnveloped-data" : "enveloped-data";
        out.ascii("Content-Type: application/pkcs7-mime; smime-type=" + smimeType + ";").crlf()
                .ascii(" name=\"smime.p7m\"").crlf();
        out.ascii("Content-Transfer-Encoding: base64").crlf();
        out.ascii("Content-Disposition: attachment; filename=\"smime.p7m\"").crlf().crlf();
    }

    private static void stream(Body entity, List<X509Certificate> recipients,
            ContentCipher cipher, KeyTransport transport, boolean openssl, OutputStream out)
            throws PermanentFailure, IOException, CMSException {
        List<RecipientInfoGenerator> infos = new ArrayList<>();
        for (X509Certificate recipient : recipients) {
            infos.add(recipientInfo(recipient, transport, openssl));
        }
        OutputStream base64 = BASE64.wrap(CloseShieldOutputStream.wrap(out));
        try (OutputStream cms = open(infos, cipher, base64)) {
            entity.writeTo(cms);
        }
        base64.close();
        out.write(CRLF);
    }

    private static OutputStream open(List<RecipientInfoGenerator> infos, ContentCipher cipher,
            OutputStream out) throws CMSException, IOException {
        OutputEncryptor encryptor = contentEncryptor(cipher);
        if (cipher.authenticated()) {
            CMSAuthEnvelopedDataStreamGenerator generator =
                    new CMSAuthEnvelopedDataStreamGenerator();
            infos.forEach(generator::addRecipientInfoGenerator);
            return generator.open(out, (OutputAEADEncryptor) encryptor);
        }
        CMSEnvelopedDataStreamGenerator generator = new CMSEnvelopedDataStreamGenerator();
        infos.forEach(generator::addRecipientInfoGenerator);
        return generator.open(out, encryptor);
    }

    /**
     * A fresh content key and IV. GCM comes from BouncyCastle (AuthEnvelopedData); CBC from the
     * JDK, whose AES uses the CPU's AES instructions, with the IV drawn here: left to itself,
     * BouncyCastle first asks the JDK for an AES parameter generator it does not have, and the
     * exception that answers costs every message a stack trace.
     */
    static OutputEncryptor contentEncryptor(ContentCipher cipher) throws CMSException {
        JceCMSContentEncryptorBuilder builder = new JceCMSContentEncryptorBuilder(cipher.oid());
        if (cipher.authenticated()) {
            return builder.setProvider(Providers.bc()).build();
        }
        byte[] iv = new byte[16];
        IVS.nextBytes(iv);
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("AES");
            parameters.init(new IvParameterSpec(iv));
            builder.setAlgorithmParameters(parameters);
        } catch (GeneralSecurityException e) {
            // no AES parameters in this JDK: BouncyCastle draws the IV itself, only slower
        }
        return builder.build();
    }

    /** The DER of the EnvelopedData or AuthEnvelopedData, as a buffer's remaining bytes. */
    private static ByteBuffer envelope(Body content, List<X509Certificate> recipients,
            ContentCipher cipher, KeyTransport transport, boolean openssl)
            throws PermanentFailure {
        List<RecipientInfoGenerator> infos = new ArrayList<>();
        for (X509Certificate recipient : recipients) {
            infos.add(recipientInfo(recipient, transport, openssl));
        }
        try {
            OutputEncryptor encryptor = contentEncryptor(cipher);
            if (cipher.authenticated()) {
                CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
                infos.forEach(generator::addRecipientInfoGenerator);
                return ByteBuffer.wrap(generator.generate(new BodyContent(content),
                        (OutputAEADEncryptor) encryptor).getEncoded());
            }
            return envelopedData(content, infos, encryptor);
        } catch (CMSException | IOException e) {
            throw new PermanentFailure("cannot encrypt: " + e.getMessage(), e);
        }
    }

    /**
     * The EnvelopedData that BouncyCastle's generator makes, as DER, built in buffers of the
     * size they will have: the generator grows a ByteArrayOutputStream from 32 bytes for the
     * ciphertext and another for the encoding, which JFR put at an eighth of the Java time of
     * a 19 KB message. The version, the recipient infos and the algorithm parameters are the
     * generator's own classes' work, as before.
     */
    private static ByteBuffer envelopedData(Body content, List<RecipientInfoGenerator> infos,
            OutputEncryptor encryptor) throws CMSException, IOException {
        // CBC with PKCS#7 padding adds 1 to 16 bytes
        ByteSink ciphertext = new ByteSink(Math.toIntExact((content.length() / 16 + 1) * 16));
        try (OutputStream cipher = encryptor.getOutputStream(ciphertext)) {
            content.writeTo(cipher);
        }
        // sized right above, so normally the sink's own array
        byte[] encrypted = ciphertext.size() == ciphertext.array().length ? ciphertext.array()
                : ciphertext.toByteArray();

        ASN1EncodableVector recipientInfos = new ASN1EncodableVector(infos.size());
        for (RecipientInfoGenerator info : infos) {
            recipientInfos.add(info.generate(encryptor.getKey()));
        }
        EncryptedContentInfo encryptedContent = new EncryptedContentInfo(
                CMSObjectIdentifiers.data, encryptor.getAlgorithmIdentifier(),
                new DEROctetString(encrypted));
        ContentInfo envelope = new ContentInfo(CMSObjectIdentifiers.envelopedData,
                new EnvelopedData(null, new DERSet(recipientInfos), encryptedContent,
                        (ASN1Set) null));

        // a RecipientInfo: issuer, serial, algorithm and the wrapped key (512 bytes at RSA-4096)
        ByteSink der = new ByteSink(encrypted.length + 256 + 1024 * infos.size());
        envelope.encodeTo(der, ASN1Encoding.DER);
        // the size above is a bound, not the length: the base64 reads the bytes where they are
        return ByteBuffer.wrap(der.array(), 0, der.size());
    }

    /**
     * Generators by certificate, one slot per key transport and engine. Reading issuer and
     * serial number out of the certificate and setting up the key wrapper was redone for every
     * message; the generators keep no state between messages (each key wrap makes its own Cipher
     * or OpenSSL context), so the workers share them. Weak keys: certificates no longer in use
     * leave the cache (and free their OpenSSL copy). Guarded by its own lock, which also
     * publishes the generators safely.
     */
    private static final Map<X509Certificate, RecipientInfoGenerator[]> RECIPIENT_INFOS =
            new WeakHashMap<>();

    private static RecipientInfoGenerator recipientInfo(X509Certificate recipient,
            KeyTransport transport, boolean openssl) throws PermanentFailure {
        int slot = transport.ordinal() * 2 + (openssl ? 1 : 0);
        synchronized (RECIPIENT_INFOS) {
            RecipientInfoGenerator[] known = RECIPIENT_INFOS.get(recipient);
            if (known != null && known[slot] != null) {
                return known[slot];
            }
        }
        RecipientInfoGenerator made = newRecipientInfo(recipient, transport, openssl);
        synchronized (RECIPIENT_INFOS) {
            RECIPIENT_INFOS.computeIfAbsent(recipient,
                    c -> new RecipientInfoGenerator[KeyTransport.values().length * 2])[slot] = made;
        }
        return made;
    }

    /** Identified by issuer and serial number, which every reader understands. */
    private static RecipientInfoGenerator newRecipientInfo(X509Certificate recipient,
            KeyTransport transport, boolean openssl) throws PermanentFailure {
        if (!recipient.getPublicKey().getAlgorithm().equals("RSA")) {
            throw new PermanentFailure("certificate " + recipient.getSubjectX500Principal()
                    + " has a " + recipient.getPublicKey().getAlgorithm()
                    + " key; only RSA recipients are supported");
        }
        try {
            if (openssl && transport == KeyTransport.PKCS1) {
                try {
                    return new JceKeyTransRecipientInfoGenerator(recipient,
                            OpensslKeyWrapper.load(recipient));
                } catch (GeneralSecurityException e) {
                    Logger.warn("certificate {}: OpenSSL cannot use its key ({}); the JDK wraps"
                            + " for it", recipient.getSubjectX500Principal(), e.getMessage());
                }
            }
            JceKeyTransRecipientInfoGenerator info = transport == KeyTransport.OAEP
                    ? new JceKeyTransRecipientInfoGenerator(recipient,
                            new JceAsymmetricKeyWrapper(KeyTransport.OAEP_SHA256,
                                    recipient.getPublicKey()).setProvider(Providers.bc()))
                    : new JceKeyTransRecipientInfoGenerator(recipient);
            // PKCS#1 v1.5 through the JDK's own RSA, which is faster; OAEP with explicit
            // parameters needs BouncyCastle
            return transport == KeyTransport.OAEP ? info.setProvider(Providers.bc()) : info;
        } catch (CertificateEncodingException e) {
            throw new PermanentFailure("unreadable recipient certificate "
                    + recipient.getSubjectX500Principal(), e);
        }
    }
}
