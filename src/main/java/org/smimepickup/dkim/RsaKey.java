package org.smimepickup.dkim;

import java.io.IOException;
import java.math.BigInteger;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An RSA private key for DKIM and the public half that goes into DNS. The private key never
 * leaves this object except through {@link DkimKeyFile#write}; {@link #toString()} shows the
 * size only.
 */
public final class RsaKey {
    /** Below this, receivers may ignore the signature (RFC 8301 section 3.2). */
    public static final int MIN_BITS = 2048;
    /** The legacy size, accepted only on explicit request for old DNS or receivers. */
    public static final int LEGACY_BITS = 1024;

    private final RSAPrivateCrtKey privateKey;
    private final byte[] publicKeyInfo;

    RsaKey(RSAPrivateCrtKey privateKey) throws DkimException {
        this.privateKey = privateKey;
        this.publicKeyInfo = encode(privateKey.getModulus(), privateKey.getPublicExponent());
    }

    /** Modulus length in bits. */
    public int bits() {
        return privateKey.getModulus().bitLength();
    }

    /** DER SubjectPublicKeyInfo, the bytes that DKIM's {@code p=} carries in base64. */
    public byte[] publicKeyInfo() {
        return publicKeyInfo.clone();
    }

    /** Whether both hold the same key pair (the public halves are equal). */
    public boolean samePairAs(RsaKey other) {
        return Arrays.equals(publicKeyInfo, other.publicKeyInfo);
    }

    RSAPrivateCrtKey privateKey() {
        return privateKey;
    }

    /**
     * Refuses keys receivers would ignore: below 2048 bits, except 1024 when {@code allow1024}.
     * Returns a warning for an accepted 1024-bit key, or null.
     */
    public String checkStrength(boolean allow1024) throws DkimException {
        int bits = bits();
        if (bits >= MIN_BITS) {
            return null;
        }
        if (bits >= LEGACY_BITS && allow1024) {
            return "warning: " + bits + "-bit RSA key: receivers may treat its signatures as"
                    + " absent (RFC 8301 asks for 2048); replace it with a 2048-bit key soon";
        }
        String how = bits >= LEGACY_BITS ? "; to keep a legacy 1024-bit key anyway, add"
                + " --allow-1024" : "";
        throw new DkimException("RSA key too small: " + bits + " bits (at least " + MIN_BITS
                + "); make a new one with --generate --bits 2048" + how);
    }

    @Override
    public String toString() {
        return "RsaKey[" + bits() + " bits]";
    }

    private static byte[] encode(BigInteger modulus, BigInteger exponent) throws DkimException {
        AlgorithmIdentifier rsa =
                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
        try {
            return new SubjectPublicKeyInfo(rsa, new RSAPublicKey(modulus, exponent))
                    .getEncoded("DER");
        } catch (IOException e) {
            throw new DkimException("cannot encode the public key: " + e.getMessage(), e);
        }
    }
}
