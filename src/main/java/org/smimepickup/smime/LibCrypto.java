package org.smimepickup.smime;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.security.GeneralSecurityException;

/**
 * The few OpenSSL 3 {@code libcrypto} calls behind {@link OpensslKey} and
 * {@link OpensslKeyWrapper}. Bound by JNA's direct
 * mapping (no proxy, no per-call reflection). If the library cannot be bound, nothing here is
 * ever called: {@link #problem()} says why and the JDK signs instead.
 */
final class LibCrypto {
    /** OpenSSL 3.0.0 in {@code OpenSSL_version_num()}'s layout; older ones lack the calls. */
    private static final long VERSION_3 = 0x30000000L;
    private static final int OPENSSL_VERSION = 0;

    private static final String PROBLEM = bind();
    private static final Cleaner CLEANER = Cleaner.create();

    private LibCrypto() {
    }

    private static String bind() {
        try {
            NativeLibrary library;
            try {
                // the versioned name first: the bare libcrypto.so exists only with libssl-dev
                library = NativeLibrary.getInstance("libcrypto.so.3");
            } catch (UnsatisfiedLinkError versioned) {
                library = NativeLibrary.getInstance("crypto");
            }
            Native.register(LibCrypto.class, library);
            long version = OpenSSL_version_num();
            if (version < VERSION_3) {
                return String.format("libcrypto is OpenSSL %x, 3.0 or later is needed",
                        version);
            }
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "libcrypto.so.3 not found or incomplete (Debian package libssl3): "
                    + e.getMessage();
        } catch (LinkageError | RuntimeException e) {
            // JNA's own native part did not load (a temp folder mounted noexec, say)
            return "JNA cannot load native code: " + e;
        }
    }

    /** Null when the calls below are bound and usable. */
    static String problem() {
        return PROBLEM;
    }

    /**
     * The key in {@code der} as an {@code EVP_PKEY}: a private key (PKCS#8 or traditional DER)
     * when {@code secret}, else a SubjectPublicKeyInfo. The native copy of the bytes is zeroed
     * once OpenSSL has read them.
     */
    static Pointer readKey(byte[] der, boolean secret) throws GeneralSecurityException {
        if (PROBLEM != null) {
            throw new GeneralSecurityException(PROBLEM);
        }
        Pointer key;
        try (Memory buffer = new Memory(der.length);
                Memory cursor = new Memory(Native.POINTER_SIZE)) {
            buffer.write(0, der, 0, der.length);
            cursor.setPointer(0, buffer);
            key = secret ? d2i_AutoPrivateKey(null, cursor, der.length)
                    : d2i_PUBKEY(null, cursor, der.length);
            buffer.clear();
        }
        if (key == null) {
            throw new GeneralSecurityException("OpenSSL cannot read the "
                    + (secret ? "private" : "public") + " key: " + lastError());
        }
        return key;
    }

    /**
     * Frees {@code key} once {@code owner} is unreachable. The owner must keep itself reachable
     * during each native call that uses the key ({@code Reference.reachabilityFence}).
     */
    static void freeWith(Object owner, Pointer key) {
        CLEANER.register(owner, () -> EVP_PKEY_free(key));
    }

    /** "OpenSSL 3.0.15 3 Sep 2024" and the like. */
    static String version() {
        return PROBLEM == null ? OpenSSL_version(OPENSSL_VERSION) : "none";
    }

    static native long OpenSSL_version_num();

    static native String OpenSSL_version(int type);

    /** Reads DER (PKCS#8 or traditional) at {@code *in}; null on error. */
    static native Pointer d2i_AutoPrivateKey(Pointer out, Pointer in, long length);

    static native int EVP_PKEY_get_size(Pointer key);

    static native void EVP_PKEY_free(Pointer key);

    static native Pointer EVP_get_digestbyname(String name);

    static native Pointer EVP_MD_CTX_new();

    static native void EVP_MD_CTX_free(Pointer context);

    static native int EVP_DigestSignInit(Pointer context, Pointer keyContext, Pointer digest,
            Pointer engine, Pointer key);

    static native int EVP_DigestSign(Pointer context, byte[] signature, long[] signatureLength,
            byte[] data, long dataLength);

    /** Reads a DER SubjectPublicKeyInfo at {@code *in}; null on error. */
    static native Pointer d2i_PUBKEY(Pointer out, Pointer in, long length);

    static native Pointer EVP_PKEY_CTX_new(Pointer key, Pointer engine);

    static native void EVP_PKEY_CTX_free(Pointer context);

    static native int EVP_PKEY_encrypt_init(Pointer context);

    static native int EVP_PKEY_CTX_set_rsa_padding(Pointer context, int padding);

    static native int EVP_PKEY_encrypt(Pointer context, byte[] out, long[] outLength,
            byte[] in, long inLength);

    static native long ERR_get_error();

    static native void ERR_error_string_n(long error, byte[] buffer, long length);

    static native void ERR_clear_error();

    /** The oldest queued OpenSSL error as text, the queue emptied. */
    static String lastError() {
        long code = ERR_get_error();
        String text = "unknown error";
        if (code != 0) {
            byte[] buffer = new byte[256];
            ERR_error_string_n(code, buffer, buffer.length);
            text = Native.toString(buffer, "US-ASCII");
        }
        ERR_clear_error();
        return text;
    }
}
