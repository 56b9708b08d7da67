package org.smimepickup.message;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Content-Type value read leniently: the media type in lower case and its parameters. An
 * unreadable value counts as text/plain, as RFC 2045 section 5.2 says.
 */
record ContentType(String type, String value) {
    private static final Pattern PARAM = Pattern.compile(
            ";\\s*([^=\\s;]+)\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^;\\s]*)");

    static ContentType of(String value, String defaultType) {
        if (value == null || value.isBlank()) {
            return new ContentType(defaultType, "");
        }
        int semicolon = value.indexOf(';');
        String type = (semicolon < 0 ? value : value.substring(0, semicolon))
                .replaceAll("\\s", "").toLowerCase(Locale.ROOT);
        if (type.indexOf('/') <= 0 || type.endsWith("/")) {
            type = "text/plain";
        }
        return new ContentType(type, value);
    }

    /** A parameter's value with quotes removed, or null. */
    String param(String name) {
        Matcher m = PARAM.matcher(value);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(name)) {
                String quoted = m.group(3);
                return quoted != null ? quoted.replaceAll("\\\\(.)", "$1") : m.group(2);
            }
        }
        return null;
    }

    boolean isMultipart() {
        return type.startsWith("multipart/");
    }

    /** message/rfc822 holds a whole message that is canonicalised in turn. */
    boolean isEncapsulatedMessage() {
        return type.equals("message/rfc822");
    }

    /** RFC 2046 allows these only in 7bit: they may not be re-encoded. */
    boolean mustStaySevenBit() {
        return type.equals("message/partial") || type.equals("message/external-body");
    }

    /** Line-oriented content whose line breaks mean CRLF. */
    boolean isText() {
        return type.startsWith("text/") || (type.startsWith("message/")
                && !type.equals("message/partial") && !type.equals("message/external-body"));
    }
}
