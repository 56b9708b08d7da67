package org.smimepickup.smime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.smime.SMIMECapabilitiesAttribute;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.smime.SMIMECapabilityVector;
import org.bouncycastle.asn1.smime.SMIMEEncryptionKeyPreferenceAttribute;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Store;
import org.smimepickup.certs.SigningIdentity;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Body;
import org.smimepickup.message.ByteSink;
import org.tinylog.Logger;

/**
 * Signs a canonical MIME entity, detached as {@code multipart/signed} (RFC 8551 section 3.5.3,
 * the default: readable without S/MIME) or opaque as {@code application/pkcs7-mime}. The
 * entity's bytes are hashed once and written unchanged, so what any reader hashes is exactly
 * what was signed. Thread-safe.
 */
public final class SmimeSigner {
    /** Encoded once per chain, not per message; chains change only with the key files. */
    private static final Map<List<X509Certificate>, Store<X509CertificateHolder>> CERTIFICATES =
            new ConcurrentHashMap<>();

    /**
     * Each private key as OpenSSL holds it, or empty where OpenSSL could not take it. Weak keys:
     * a reload that drops a key lets its native copy be freed.
     */
    private static final Map<PrivateKey, Optional<OpensslKey>> OPENSSL_KEYS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private static volatile SigningTime signingTime;

    private final DigestAlgorithm digest;
    private final CryptoEngine engine;
    private volatile Prepared last;

    public SmimeSigner() {
        this(DigestAlgorithm.SHA256, CryptoEngine.AUTO);
    }

    public SmimeSigner(CryptoEngine engine) {
        this(DigestAlgorithm.SHA256, engine);
    }

    public SmimeSigner(DigestAlgorithm digest, CryptoEngine engine) {
        this.digest = digest;
        this.engine = engine;
    }

    /** Detached, with the digest given at construction. */
    public byte[] sign(byte[] entity, SigningIdentity identity) throws PermanentFailure {
        return sign(entity, identity, digest, false);
    }

    /** The complete signed entity, header fields first, CRLF throughout. */
    public byte[] sign(byte[] entity, SigningIdentity identity, DigestAlgorithm digest,
            boolean opaque) throws PermanentFailure {
        try {
            return sign(Body.of(entity), identity, digest, opaque).toBytes();
        } catch (IOException e) {
            throw new PermanentFailure("cannot sign: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #sign(byte[], SigningIdentity, DigestAlgorithm, boolean)} for a body that may be
     * large: the detached form wraps the entity without copying it.
     */
    public Body sign(Body entity, SigningIdentity identity, DigestAlgorithm configured,
            boolean opaque) throws PermanentFailure {
        DigestAlgorithm digest = DigestAlgorithm.atLeastFor(identity.key(), configured);
        if (opaque) {
            return Body.of(opaque(entity, identity, digest));
        }
        byte[] signature = signature(entity, identity, digest, false);
        String boundary = Mime.boundary(entity);

        ByteSink head = new ByteSink(512);
        head.ascii("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";")
                .crlf().ascii(" micalg=" + digest.micalg() + "; boundary=\"" + boundary + "\"")
                .crlf().crlf();
        head.ascii("This is an S/MIME signed message").crlf().crlf();
        head.ascii("--" + boundary).crlf();
        ByteSink tail = new ByteSink(signature.length * 4 / 3 + 512);
        tail.crlf().ascii("--" + boundary).crlf();
        tail.ascii("Content-Type: application/pkcs7-signature; name=\"smime.p7s\"").crlf();
        tail.ascii("Content-Transfer-Encoding: base64").crlf();
        tail.ascii("Content-Disposition: attachment; filename=\"smime.p7s\"").crlf().crlf();
        Mime.base64(signature, tail);
        tail.crlf().ascii("--" + boundary + "--").crlf();
        return Body.concat(head.toBody(), entity, tail.toBody());
    }

    private byte[] opaque(Body entity, SigningIdentity identity, DigestAlgorithm digest)
            throws PermanentFailure {
        byte[] signedData = signature(entity, identity, digest, true);
        ByteSink out = new ByteSink(signedData.length * 4 / 3 + 512);
        out.ascii("Content-Type: application/pkcs7-mime; smime-type=signed-data;").crlf()
                .ascii(" name=\"smime.p7m\"").crlf();
        out.ascii("Content-Transfer-Encoding: base64").crlf();
        out.ascii("Content-Disposition: attachment; filename=\"smime.p7m\"").crlf().crlf();
        Mime.base64(signedData, out);
        return out.toByteArray();
    }

    private byte[] signature(Body entity, SigningIdentity identity, DigestAlgorithm digest,
            boolean encapsulate) throws PermanentFailure {
        try {
            Prepared prepared = prepared(identity, digest);
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            for (ASN1Encodable attribute : prepared.smimeAttributes()) {
                attributes.add(attribute);
            }
            attributes.add(signingTimeNow());
            SignerInfoGenerator info = new JcaSignerInfoGeneratorBuilder(prepared.digests())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(
                            new AttributeTable(attributes)))
                    .build(contentSigner(identity, digest, prepared), prepared.certificate());
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(info);
            generator.addCertificates(prepared.chain());
            return generator.generate(new BodyContent(entity), encapsulate)
                    .getEncoded("DER");
        } catch (OperatorCreationException | CMSException | CertificateEncodingException
                | IOException | RuntimeOperatorException e) {
            throw new PermanentFailure("cannot sign with the key for " + identity.address()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * What signing with {@code identity} needs besides the message. Kept for the identity used
     * last, compared by reference: SigningKeys hands out one object per key file version, and
     * a campaign signs with one key, so the certificate is parsed and the attributes are built
     * once instead of for every message.
     */
    private Prepared prepared(SigningIdentity identity, DigestAlgorithm digest)
            throws CertificateEncodingException, OperatorCreationException {
        Prepared last = this.last;
        if (last != null && last.identity() == identity && last.digest() == digest) {
            return last;
        }
        String algorithm = digest.signatureAlgorithm(identity.key().getAlgorithm());
        Optional<OpensslKey> openssl = engine.usesOpenssl()
                ? OPENSSL_KEYS.computeIfAbsent(identity.key(), key -> load(identity, digest))
                : Optional.empty();
        X509CertificateHolder certificate = new JcaX509CertificateHolder(identity.certificate());
        Prepared prepared = new Prepared(identity, digest, algorithm,
                new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm), openssl,
                certificate, smimeAttributes(certificate),
                CERTIFICATES.computeIfAbsent(identity.chain(), SmimeSigner::certificateStore),
                new JcaDigestCalculatorProviderBuilder().build());
        this.last = prepared;
        return prepared;
    }

    /**
     * The signingTime attribute, made once a second: BouncyCastle formats each one it makes
     * through a new date formatter, a cost per message for a value that changes once a second.
     */
    private static Attribute signingTimeNow() {
        long second = System.currentTimeMillis() / 1000;
        SigningTime made = signingTime;
        if (made == null || made.second() != second) {
            made = new SigningTime(second, new Attribute(CMSAttributes.signingTime,
                    new DERSet(new Time(new Date(second * 1000)))));
            signingTime = made;
        }
        return made.attribute();
    }

    private record SigningTime(long second, Attribute attribute) {
    }

    private record Prepared(SigningIdentity identity, DigestAlgorithm digest, String algorithm,
            AlgorithmIdentifier signatureAlgorithm, Optional<OpensslKey> openssl,
            X509CertificateHolder certificate, ASN1Encodable[] smimeAttributes,
            Store<X509CertificateHolder> chain, DigestCalculatorProvider digests) {
    }

    /**
     * The signer of the signed attributes. OpenSSL where the engine allows and the key passed its
     * check; otherwise the JDK, whose RSA and SHA-2 use CPU intrinsics and are faster than
     * BouncyCastle's.
     */
    private ContentSigner contentSigner(SigningIdentity identity, DigestAlgorithm digest,
            Prepared prepared) throws OperatorCreationException {
        String algorithm = prepared.algorithm();
        Optional<OpensslKey> openssl = prepared.openssl();
        if (openssl.isEmpty()) {
            return new JcaContentSignerBuilder(algorithm).build(identity.key());
        }
        AlgorithmIdentifier id = prepared.signatureAlgorithm();
        ByteArrayOutputStream signedAttributes = new ByteArrayOutputStream(512);
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return id;
            }

            @Override
            public OutputStream getOutputStream() {
                return signedAttributes;
            }

            @Override
            public byte[] getSignature() {
                byte[] data = signedAttributes.toByteArray();
                try {
                    return openssl.get().sign(digest, data);
                } catch (GeneralSecurityException e) {
                    // not the message's fault: this one is signed by the JDK instead
                    Logger.warn("OpenSSL could not sign for {} ({}); the JDK signs instead",
                            identity.address(), e.getMessage());
                    try {
                        ContentSigner jdk = new JcaContentSignerBuilder(algorithm)
                                .build(identity.key());
                        jdk.getOutputStream().write(data);
                        return jdk.getSignature();
                    } catch (OperatorCreationException | IOException jdkToo) {
                        throw new RuntimeOperatorException("cannot sign: "
                                + jdkToo.getMessage(), jdkToo);
                    }
                }
            }
        };
    }

    private static Optional<OpensslKey> load(SigningIdentity identity, DigestAlgorithm digest) {
        try {
            return Optional.of(OpensslKey.load(identity.key(),
                    identity.certificate().getPublicKey(), digest));
        } catch (GeneralSecurityException | RuntimeException e) {
            Logger.warn("signing key for {}: OpenSSL cannot use it ({}); the JDK signs for it",
                    identity.address(), e.getMessage());
            return Optional.empty();
        }
    }

    /** SMIMECapabilities (what we can decrypt) and which certificate to encrypt back to. */
    private static ASN1Encodable[] smimeAttributes(X509CertificateHolder certificate) {
        SMIMECapabilityVector capabilities = new SMIMECapabilityVector();
        capabilities.addCapability(SMIMECapability.aES256_CBC);
        capabilities.addCapability(SMIMECapability.aES192_CBC);
        capabilities.addCapability(SMIMECapability.aES128_CBC);
        return new ASN1Encodable[] {new SMIMECapabilitiesAttribute(capabilities),
            new SMIMEEncryptionKeyPreferenceAttribute(new IssuerAndSerialNumber(
                    certificate.getIssuer(), certificate.getSerialNumber()))};
    }

    private static Store<X509CertificateHolder> certificateStore(List<X509Certificate> chain) {
        try {
            return new JcaCertStore(chain);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }
}
