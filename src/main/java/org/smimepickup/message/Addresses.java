package org.smimepickup.message;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smimepickup.failure.PermanentFailure;

/** Reading addresses out of header fields, and refusing the ones that are unsafe to pass on. */
public final class Addresses {
    private Addresses() {
    }

    /** Every mailbox in an address-list field, groups opened, in order. */
    public static List<String> mailboxes(String fieldName, String value) throws PermanentFailure {
        List<String> found = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return found;
        }
        try {
            for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                collect(address, found);
            }
        } catch (AddressException e) {
            throw new PermanentFailure("cannot read the addresses in " + fieldName + ": "
                    + printable(e.getMessage()));
        }
        return found;
    }

    private static void collect(InternetAddress address, List<String> found)
            throws AddressException {
        if (address.isGroup()) {
            for (InternetAddress member : address.getGroup(false)) {
                collect(member, found);
            }
            return;
        }
        String mailbox = address.getAddress();
        if (mailbox != null && !mailbox.isBlank()) {
            found.add(mailbox.trim());
        }
    }

    /**
     * Checks an address before it goes into an envelope line or a key lookup: printable ASCII,
     * no white space or angle brackets, exactly one local part and domain.
     */
    public static String checked(String address, String role) throws PermanentFailure {
        int at = address.lastIndexOf('@');
        boolean ok = at > 0 && at < address.length() - 1;
        for (int i = 0; ok && i < address.length(); i++) {
            char c = address.charAt(i);
            ok = c > 32 && c < 127 && c != '<' && c != '>' && c != '\\';
        }
        if (!ok) {
            throw new PermanentFailure(role + " address '" + printable(address)
                    + "' is not a usable mailbox (printable ASCII local@domain expected)");
        }
        return address;
    }

    /**
     * True for an RFC 5322 addr-spec in its plain form: a dot-atom or quoted local part and a
     * dot-atom domain. Such an address cannot spell a path ("../x" is not a dot-atom).
     */
    public static boolean isAddrSpec(String address) {
        return ADDR_SPEC.matcher(address).matches();
    }

    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
    private static final java.util.regex.Pattern ADDR_SPEC = java.util.regex.Pattern.compile(
            "(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
            + "|\"(?:[^\"\\\\\\r\\n]|\\\\.)*\")"
            + "@" + LABEL + "(?:\\." + LABEL + ")*");

    /** The lookup key for an address: lower case; mailbox names compare case-insensitively. */
    public static String key(String address) {
        return address.toLowerCase(Locale.ROOT);
    }

    /** A hostile string made safe for a log line or a reason file: controls shown as '?'. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        s = asUtf8(s);
        StringBuilder out = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            out.append(c < 32 || c == 127 ? '?' : c);
        }
        return s.length() > 200 ? out + "..." : out.toString();
    }

    /**
     * Header text is read byte for byte as ISO-8859-1; when those bytes are valid UTF-8 (as raw
     * 8-bit headers nearly always are), show the characters the sender meant.
     */
    private static String asUtf8(String s) {
        boolean eightBit = false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return s;
            }
            eightBit |= s.charAt(i) > 0x7F;
        }
        if (!eightBit) {
            return s;
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(s.getBytes(
                            java.nio.charset.StandardCharsets.ISO_8859_1))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return s;
        }
    }
}
