package org.smimepickup.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The checks a certificate must pass before it signs or encrypts: validity dates, key usage,
 * extended key usage, the address, and with trust anchors a chain to one of them. Each failing
 * check is named in the problem text so the operator knows which certificate to replace.
 */
public final class CertificateCheck {
    private static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;

    /** What the certificate is about to be used for. */
    public enum Use {
        SIGN, ENCRYPT
    }

    private CertificateCheck() {
    }

    /**
     * The problems of {@code certificate} for {@code use} by {@code address}; empty when usable.
     * {@code anchors} may be empty (no chain check); {@code intermediates} help build the chain.
     */
    public static List<String> problems(X509Certificate certificate, String address, Use use,
            Collection<X509Certificate> anchors, Collection<X509Certificate> intermediates) {
        List<String> problems = new ArrayList<>();
        Date now = new Date();
        if (now.after(certificate.getNotAfter())) {
            problems.add("expired on " + certificate.getNotAfter().toInstant());
        } else if (now.before(certificate.getNotBefore())) {
            problems.add("not valid before " + certificate.getNotBefore().toInstant());
        }
        keyUsage(certificate, use, problems);
        extendedKeyUsage(certificate, problems);
        if (!addresses(certificate).contains(address.toLowerCase(Locale.ROOT))) {
            problems.add("issued for " + addresses(certificate) + ", not for " + address);
        }
        if (!anchors.isEmpty()) {
            chain(certificate, anchors, intermediates, problems);
        }
        return problems;
    }

    private static void keyUsage(X509Certificate certificate, Use use, List<String> problems) {
        boolean[] usage = certificate.getKeyUsage();
        if (usage == null) {
            return;
        }
        if (use == Use.SIGN && !usage[DIGITAL_SIGNATURE]) {
            problems.add("key usage lacks digitalSignature, needed to sign");
        }
        boolean rsa = certificate.getPublicKey().getAlgorithm().equals("RSA");
        if (use == Use.ENCRYPT && rsa && !usage[KEY_ENCIPHERMENT]) {
            problems.add("key usage lacks keyEncipherment, needed to encrypt to it");
        }
    }

    private static void extendedKeyUsage(X509Certificate certificate, List<String> problems) {
        try {
            List<String> purposes = certificate.getExtendedKeyUsage();
            if (purposes != null && !purposes.contains(EMAIL_PROTECTION)
                    && !purposes.contains(ANY_EXTENDED_KEY_USAGE)) {
                problems.add("extended key usage lacks emailProtection");
            }
        } catch (CertificateParsingException e) {
            problems.add("unreadable extended key usage");
        }
    }

    /** The rfc822Name entries of the subject alternative names, and the subject's email. */
    public static Set<String> addresses(X509Certificate certificate) {
        Set<String> found = new java.util.TreeSet<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (Integer.valueOf(1).equals(name.get(0))) {
                        found.add(String.valueOf(name.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable SAN extension adds no address; the subject may still name one
        }
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal()
                .getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.EmailAddress)) {
            found.add(IETFUtils.valueToString(rdn.getFirst().getValue())
                    .toLowerCase(Locale.ROOT));
        }
        return found;
    }

    private static void chain(X509Certificate certificate, Collection<X509Certificate> anchors,
            Collection<X509Certificate> intermediates, List<String> problems) {
        try {
            List<X509Certificate> path = buildPath(certificate, anchors, intermediates);
            Set<TrustAnchor> trust = new java.util.HashSet<>();
            for (X509Certificate anchor : anchors) {
                trust.add(new TrustAnchor(anchor, null));
            }
            PKIXParameters parameters = new PKIXParameters(trust);
            // revocation needs CRLs or OCSP from outside; not available to a spool daemon here
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (GeneralSecurityException e) {
            problems.add("no valid chain to a CA in trust.dir (" + e.getMessage() + ")");
        }
    }

    /** The certificate, then intermediates by issuer name, stopping at an anchor's subject. */
    private static List<X509Certificate> buildPath(X509Certificate leaf,
            Collection<X509Certificate> anchors, Collection<X509Certificate> intermediates) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        X509Certificate current = leaf;
        for (int depth = 0; depth < 8 && !issuedByAnchor(current, anchors); depth++) {
            X509Certificate next = issuerOf(current, intermediates);
            if (next == null || path.contains(next)) {
                break;
            }
            path.add(next);
            current = next;
        }
        return path;
    }

    private static boolean issuedByAnchor(X509Certificate c, Collection<X509Certificate> anchors) {
        X500Principal issuer = c.getIssuerX500Principal();
        return anchors.stream().anyMatch(a -> a.getSubjectX500Principal().equals(issuer));
    }

    private static X509Certificate issuerOf(X509Certificate c,
            Collection<X509Certificate> candidates) {
        for (X509Certificate candidate : candidates) {
            if (candidate.getSubjectX500Principal().equals(c.getIssuerX500Principal())
                    && !candidate.equals(c)) {
                return candidate;
            }
        }
        return null;
    }
}
