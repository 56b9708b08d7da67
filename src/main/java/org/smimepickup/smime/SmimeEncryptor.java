package org.smimepickup.smime;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.ByteSink;

/**
 * Encrypts a MIME entity once for all its recipients: one EnvelopedData with a key-transport
 * RecipientInfo per certificate, identified by issuer and serial number. Thread-safe.
 */
public final class SmimeEncryptor {
    private final ContentCipher cipher;

    public SmimeEncryptor(ContentCipher cipher) {
        this.cipher = cipher;
    }

    /** The complete application/pkcs7-mime entity, header fields first, CRLF throughout. */
    public byte[] encrypt(byte[] entity, List<X509Certificate> recipients)
            throws PermanentFailure {
        byte[] der = envelope(entity, recipients);
        ByteSink out = new ByteSink(der.length * 4 / 3 + 512);
        out.ascii("Content-Type: application/pkcs7-mime; smime-type=enveloped-data;").crlf()
                .ascii(" name=\"smime.p7m\"").crlf();
        out.ascii("Content-Transfer-Encoding: base64").crlf();
        out.ascii("Content-Disposition: attachment; filename=\"smime.p7m\"").crlf().crlf();
        Mime.base64(der, out);
        return out.toByteArray();
    }

    private byte[] envelope(byte[] entity, List<X509Certificate> recipients)
            throws PermanentFailure {
        CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
        for (X509Certificate recipient : recipients) {
            if (!recipient.getPublicKey().getAlgorithm().equals("RSA")) {
                throw new PermanentFailure("certificate " + recipient.getSubjectX500Principal()
                        + " has a " + recipient.getPublicKey().getAlgorithm()
                        + " key; only RSA recipients are supported");
            }
            try {
                generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(
                        recipient).setProvider(Providers.bc()));
            } catch (CertificateEncodingException e) {
                throw new PermanentFailure("unreadable recipient certificate "
                        + recipient.getSubjectX500Principal(), e);
            }
        }
        try {
            return generator.generate(new CMSProcessableByteArray(entity),
                    new JceCMSContentEncryptorBuilder(cipher.oid()).setProvider(Providers.bc())
                            .build()).getEncoded();
        } catch (CMSException | IOException e) {
            throw new PermanentFailure("cannot encrypt: " + e.getMessage(), e);
        }
    }
}
