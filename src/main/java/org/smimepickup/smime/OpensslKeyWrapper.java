package org.smimepickup.smime;

import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.AsymmetricKeyWrapper;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OperatorException;
import org.bouncycastle.operator.jcajce.JceAsymmetricKeyWrapper;
import org.tinylog.Logger;

/**
 * Wraps each message's content key for one RSA recipient with PKCS#1 v1.5 in OpenSSL, whose RSA
 * public-key operation costs a fraction of the JDK's (it was the largest cost of encryption for
 * a small message). The algorithm identifier is the certificate's own, as the JDK wrapper writes
 * it. Thread-safe: the native key is only read, and each wrap has its own context. If OpenSSL
 * refuses a wrap, the JDK does it, so a library fault never fails a message.
 */
final class OpensslKeyWrapper extends AsymmetricKeyWrapper {
    private static final int RSA_PKCS1_PADDING = 1;

    private final Pointer key;
    private final int modulusBytes;
    private final JceAsymmetricKeyWrapper jdk;
    private final String recipient;

    private OpensslKeyWrapper(SubjectPublicKeyInfo info, Pointer key, X509Certificate cert) {
        super(info.getAlgorithm());
        this.key = key;
        this.modulusBytes = LibCrypto.EVP_PKEY_get_size(key);
        this.jdk = new JceAsymmetricKeyWrapper(cert.getPublicKey());
        this.recipient = cert.getSubjectX500Principal().getName();
        LibCrypto.freeWith(this, key);
    }

    /** The recipient's RSA public key in OpenSSL; fails if OpenSSL cannot read it. */
    static OpensslKeyWrapper load(X509Certificate recipient) throws GeneralSecurityException {
        byte[] der = recipient.getPublicKey().getEncoded();
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(der);
        Pointer handle = LibCrypto.readKey(der, false);
        OpensslKeyWrapper wrapper = new OpensslKeyWrapper(info, handle, recipient);
        // one wrap before the workers share the key: OpenSSL sets up its per-key caches on
        // first use, and this way that happens on one thread
        wrapper.wrap(new byte[32]);
        return wrapper;
    }

    @Override
    public byte[] generateWrappedKey(GenericKey contentKey) throws OperatorException {
        byte[] raw = rawKey(contentKey);
        try {
            return wrap(raw);
        } catch (GeneralSecurityException e) {
            Logger.warn("OpenSSL could not wrap a content key for {} ({}); the JDK does",
                    recipient, e.getMessage());
            return jdk.generateWrappedKey(contentKey);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** PKCS#1 v1.5 encryption of {@code raw}, random padding from OpenSSL's generator. */
    byte[] wrap(byte[] raw) throws GeneralSecurityException {
        Pointer context = LibCrypto.EVP_PKEY_CTX_new(key, null);
        if (context == null) {
            throw new GeneralSecurityException("OpenSSL: out of memory");
        }
        try {
            byte[] out = new byte[modulusBytes];
            long[] length = {out.length};
            if (LibCrypto.EVP_PKEY_encrypt_init(context) != 1
                    || LibCrypto.EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) != 1
                    || LibCrypto.EVP_PKEY_encrypt(context, out, length, raw, raw.length) != 1) {
                throw new GeneralSecurityException(LibCrypto.lastError());
            }
            if (length[0] != out.length) {
                throw new GeneralSecurityException("OpenSSL wrote " + length[0]
                        + " bytes, expected " + out.length);
            }
            return out;
        } finally {
            LibCrypto.EVP_PKEY_CTX_free(context);
            // the key must outlive the native call: the cleaner would free it under our feet
            Reference.reachabilityFence(this);
        }
    }

    private static byte[] rawKey(GenericKey contentKey) throws OperatorException {
        Object representation = contentKey.getRepresentation();
        if (representation instanceof Key key && key.getEncoded() != null) {
            return key.getEncoded();
        }
        if (representation instanceof byte[] bytes) {
            return bytes.clone();
        }
        throw new OperatorException("content key of an unknown kind: "
                + representation.getClass().getName());
    }
}
