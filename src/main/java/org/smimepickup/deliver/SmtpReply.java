package org.smimepickup.deliver;

import java.util.List;

/** One server reply: the three-digit code and its text lines (without the code). */
public record SmtpReply(int code, List<String> lines) {
    public SmtpReply {
        lines = List.copyOf(lines);
    }

    public boolean positive() {
        return code >= 200 && code < 400;
    }

    public boolean temporary() {
        return code >= 400 && code < 500;
    }

    public boolean permanent() {
        return code >= 500;
    }

    /** 421: the server is closing the connection; nothing more can be sent on it. */
    public boolean closing() {
        return code == 421;
    }

    /** The reply as the server sent it, lines joined by " / ", for reasons and logs. */
    public String text() {
        StringBuilder text = new StringBuilder().append(code);
        for (int i = 0; i < lines.size(); i++) {
            text.append(i == 0 ? " " : " / ").append(lines.get(i));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
