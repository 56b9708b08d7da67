package org.smimepickup.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.smimepickup.smime.ContentCipher;
import org.smimepickup.smime.DigestAlgorithm;
import org.smimepickup.smime.KeyTransport;

/**
 * Per-sender and per-recipient rules, written as {@code policy.NAME.KEY = value} lines. A policy
 * applies to a message when its {@code sender} patterns match the From address (if given) and
 * every recipient matches one of its {@code recipient} patterns (if given). Patterns are an
 * address, {@code @domain}, or {@code *}; case-insensitive. The first policy in file order that
 * applies wins; what it does not set comes from the global keys. Immutable.
 */
public final class Policies {
    /** Keys a policy may set besides its patterns; same meaning as the global keys. */
    static final Set<String> SETTINGS = Set.of("mode", "missing.cert", "encrypt.to.sender",
            "cipher", "key.transport", "digest", "signature", "control.header");
    private static final Set<String> PATTERNS = Set.of("sender", "recipient");

    private final MessageSettings defaults;
    private final List<Policy> policies;

    private record Policy(String name, List<String> senders, List<String> recipients,
            MessageSettings settings) {
    }

    private Policies(MessageSettings defaults, List<Policy> policies) {
        this.defaults = defaults;
        this.policies = policies;
    }

    /** True for a key of the form policy.NAME.KEY with a known KEY. */
    static boolean isPolicyKey(String key) {
        String[] parts = key.split("\\.", 3);
        return parts.length == 3 && parts[0].equals("policy") && parts[1].matches("[a-z0-9_-]+")
                && (SETTINGS.contains(parts[2]) || PATTERNS.contains(parts[2]));
    }

    static Policies build(Map<String, String> values, MessageSettings defaults)
            throws ConfigException {
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (isPolicyKey(e.getKey())) {
                String[] parts = e.getKey().split("\\.", 3);
                byName.computeIfAbsent(parts[1], n -> new LinkedHashMap<>())
                        .put(parts[2], e.getValue());
            }
        }
        List<Policy> policies = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : byName.entrySet()) {
            policies.add(policy(e.getKey(), e.getValue(), defaults));
        }
        return new Policies(defaults, policies);
    }

    private static Policy policy(String name, Map<String, String> keys, MessageSettings base)
            throws ConfigException {
        List<String> senders = patterns(keys.get("sender"));
        List<String> recipients = patterns(keys.get("recipient"));
        if (senders.isEmpty() && recipients.isEmpty()) {
            throw new ConfigException("policy." + name + " needs policy." + name
                    + ".sender or policy." + name + ".recipient (an address, @domain or *)");
        }
        String prefix = "policy." + name + ".";
        MessageSettings settings = new MessageSettings(
                get(keys, "mode", Mode::parse, base.mode(), prefix),
                get(keys, "missing.cert", MessageSettings.MissingCert::parse, base.missingCert(),
                        prefix),
                get(keys, "encrypt.to.sender", Policies::bool, base.encryptToSender(), prefix),
                get(keys, "cipher", ContentCipher::parse, base.cipher(), prefix),
                get(keys, "key.transport", KeyTransport::parse, base.keyTransport(), prefix),
                get(keys, "digest", DigestAlgorithm::parse, base.digest(), prefix),
                get(keys, "signature", Policies::opaque, base.opaque(), prefix),
                get(keys, "control.header", Policies::bool, base.controlHeader(), prefix), name);
        return new Policy(name, senders, recipients, settings);
    }

    private static <T> T get(Map<String, String> keys, String key, Function<String, T> parse,
            T fallback, String prefix) throws ConfigException {
        String value = keys.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + key + " = " + value + ": " + e.getMessage());
        }
    }

    static boolean bool(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("expected true or false");
        }
        return v.equals("true");
    }

    /** {@code detached} (multipart/signed, readable without S/MIME) or {@code opaque}. */
    static boolean opaque(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("detached") && !v.equals("opaque")) {
            throw new IllegalArgumentException("use detached or opaque");
        }
        return v.equals("opaque");
    }

    private static List<String> patterns(String value) {
        List<String> found = new ArrayList<>();
        if (value != null) {
            for (String p : value.split("[,\\s]+")) {
                if (!p.isBlank()) {
                    found.add(p.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return found;
    }

    /** The settings for a message from {@code author} to {@code recipients}. */
    public MessageSettings resolve(String author, List<String> recipients) {
        for (Policy policy : policies) {
            boolean senderOk = policy.senders().isEmpty() || matches(policy.senders(), author);
            boolean recipientsOk = policy.recipients().isEmpty() || recipients.stream()
                    .allMatch(r -> matches(policy.recipients(), r));
            if (senderOk && recipientsOk) {
                return policy.settings();
            }
        }
        return defaults;
    }

    private static boolean matches(List<String> patterns, String address) {
        String a = address == null ? "" : address.toLowerCase(Locale.ROOT);
        for (String p : patterns) {
            if (p.equals("*") || p.equals(a) || (p.startsWith("@") && a.endsWith(p))) {
                return true;
            }
        }
        return false;
    }

    public List<String> names() {
        return policies.stream().map(Policy::name).toList();
    }
}
