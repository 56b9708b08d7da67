package org.smimepickup.smime;

import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;

/**
 * A private key held by OpenSSL's libcrypto, for signing. On this kind of host OpenSSL's RSA
 * private-key operation is about four times faster than the JDK's, and it is the largest single
 * cost of a signed message. One instance per key, shared by all workers: an {@code EVP_PKEY} may
 * be used by several threads at once once it is fully set up, which {@link #load} makes sure of
 * by signing once before handing it out. The native key is freed when this object is unreachable.
 */
final class OpensslKey {
    private static final byte[] PROBE = "smime-pickup: does OpenSSL sign as the JDK verifies?"
            .getBytes(StandardCharsets.US_ASCII);

    private final Pointer key;
    private final int maxSignatureLength;

    private OpensslKey(Pointer key) {
        this.key = key;
        this.maxSignatureLength = LibCrypto.EVP_PKEY_get_size(key);
        LibCrypto.freeWith(this, key);
    }

    /**
     * The key in OpenSSL, checked: a probe signed by OpenSSL must verify with {@code publicKey}
     * in the JDK, so a library that misbehaves is never used for mail.
     */
    static OpensslKey load(PrivateKey privateKey, PublicKey publicKey, DigestAlgorithm digest)
            throws GeneralSecurityException {
        byte[] der = privateKey.getEncoded();
        if (der == null) {
            throw new GeneralSecurityException("the key cannot be exported to OpenSSL");
        }
        Pointer handle;
        try {
            handle = LibCrypto.readKey(der, true);
        } finally {
            // the key's bytes live on only inside OpenSSL
            Arrays.fill(der, (byte) 0);
        }
        OpensslKey loaded = new OpensslKey(handle);

        Signature verifier = Signature.getInstance(
                digest.signatureAlgorithm(privateKey.getAlgorithm()));
        verifier.initVerify(publicKey);
        verifier.update(PROBE);
        if (!verifier.verify(loaded.sign(digest, PROBE))) {
            throw new GeneralSecurityException("OpenSSL's signature does not verify");
        }
        return loaded;
    }

    /** The signature of {@code data}: PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC. */
    byte[] sign(DigestAlgorithm digest, byte[] data) throws GeneralSecurityException {
        Pointer md = Digests.HANDLES[digest.ordinal()];
        if (md == null) {
            throw new GeneralSecurityException("OpenSSL does not know " + digest.name());
        }
        Pointer context = LibCrypto.EVP_MD_CTX_new();
        if (context == null) {
            throw new GeneralSecurityException("OpenSSL: out of memory");
        }
        try {
            byte[] signature = new byte[maxSignatureLength];
            long[] length = {signature.length};
            if (LibCrypto.EVP_DigestSignInit(context, null, md, null, key) != 1
                    || LibCrypto.EVP_DigestSign(context, signature, length, data,
                            data.length) != 1) {
                throw new GeneralSecurityException("OpenSSL cannot sign: "
                        + LibCrypto.lastError());
            }
            return length[0] == signature.length ? signature
                    : Arrays.copyOf(signature, (int) length[0]);
        } finally {
            LibCrypto.EVP_MD_CTX_free(context);
            // the key must outlive the native call: the cleaner would free it under our feet
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Digest handles, looked up once, on first use (after the library was found usable): OpenSSL
     * owns them for the life of the process.
     */
    private static final class Digests {
        static final Pointer[] HANDLES = new Pointer[DigestAlgorithm.values().length];

        static {
            for (DigestAlgorithm digest : DigestAlgorithm.values()) {
                HANDLES[digest.ordinal()] = LibCrypto.EVP_get_digestbyname(digest.name());
            }
        }
    }
}
