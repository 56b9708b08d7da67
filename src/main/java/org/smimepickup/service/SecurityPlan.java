package org.smimepickup.service;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smimepickup.certs.CertificateStore;
import org.smimepickup.config.MessageSettings;
import org.smimepickup.config.MessageSettings.MissingCert;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Envelope;

/**
 * What will be done to one message once its certificates are known: sign, encrypt (to which
 * certificates), or split into an encrypted copy for those with certificates and a signed copy
 * for the rest. Built by {@link #decide}, which applies the missing-certificate policy.
 */
record SecurityPlan(MessageSettings settings, boolean sign, boolean encrypt,
        List<X509Certificate> certificates, List<String> withCertificate,
        Map<String, String> missing) {

    static SecurityPlan decide(MessageSettings settings, Envelope envelope,
            CertificateStore certs) throws PermanentFailure {
        boolean signs = settings.mode().signs();
        if (!settings.mode().encrypts()) {
            return new SecurityPlan(settings, signs, false, List.of(), List.of(), Map.of());
        }
        List<X509Certificate> found = new ArrayList<>();
        List<String> withCertificate = new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>();
        for (String reader : readers(settings, envelope)) {
            try {
                found.add(certs.find(reader));
                if (envelope.recipients().contains(reader)) {
                    withCertificate.add(reader);
                }
            } catch (PermanentFailure e) {
                missing.put(reader, e.getMessage());
            }
        }
        if (missing.isEmpty()) {
            return new SecurityPlan(settings, signs, true, found, withCertificate, missing);
        }
        if (settings.missingCert() == MissingCert.FAIL) {
            throw new PermanentFailure(String.join("; ", missing.values()) + ". Add the"
                    + " certificate, or set missing.cert = sign-only (or split) to send such mail"
                    + " signed but unencrypted");
        }
        // without any certificate a split has nothing to encrypt: the whole message is signed
        return new SecurityPlan(settings, true, false, found, withCertificate, missing);
    }

    private static List<String> readers(MessageSettings settings, Envelope envelope) {
        List<String> readers = new ArrayList<>(envelope.recipients());
        if (settings.encryptToSender() && !envelope.sender().isEmpty()) {
            readers.add(envelope.sender());
        }
        return readers;
    }

    /** True when the message goes out as two: encrypted and signed-only. */
    boolean split() {
        return settings.missingCert() == MissingCert.SPLIT && !missing.isEmpty()
                && !withCertificate.isEmpty();
    }

    /** For the log line. */
    String describe() {
        String done = sign && encrypt ? "sign+encrypt" : sign ? "sign" : encrypt ? "encrypt"
                : "none";
        if (settings.mode().encrypts() && !encrypt) {
            done += " (not encrypted, missing.cert = " + settings.missingCert() + ": "
                    + missing.size() + " recipient(s) without certificate)";
        }
        if (!settings.policy().equals("default")) {
            done += " policy=" + settings.policy();
        }
        return done;
    }
}
