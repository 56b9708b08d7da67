package org.smimepickup.deliver;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.smimepickup.message.Body;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.tinylog.Logger;
import org.tinylog.TaggedLogger;

/**
 * One SMTP connection, from greeting to QUIT. The verbs ({@link #mailFrom}, {@link #rcptTo},
 * {@link #data}) only write their command; {@link #reply()} flushes what is pending and reads
 * the next reply, so the same calls work with and without PIPELINING. Not thread-safe: one
 * message at a time, lent out by {@link SmtpInjector}.
 */
final class SmtpSession implements AutoCloseable {
    /** The protocol trace, on its own tag so that it can be switched on alone. */
    private static final TaggedLogger TRACE = Logger.tag("smtp");

    private final SmtpSettings settings;
    private final SSLSocketFactory tls;
    private final String name;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final Map<String, String> extensions = new HashMap<>();
    private boolean secure;
    private boolean broken;
    private boolean dataEndSent;
    private int messages;
    private String traceId;

    private SmtpSession(SmtpSettings settings, SSLSocketFactory tls) {
        this.settings = settings;
        this.tls = tls;
        this.name = settings.host() + ":" + settings.port();
        this.traceId = "smtp " + name;
    }

    /**
     * Connects, reads the greeting, says EHLO, starts TLS and authenticates as configured.
     * Blocking, bounded by the configured timeout at every step.
     */
    static SmtpSession open(SmtpSettings settings, SSLSocketFactory tls)
            throws IOException, SmtpTemporaryFailure {
        SmtpSession session = new SmtpSession(settings, tls);
        try {
            session.connect();
            session.greeting();
            session.ehlo();
            session.secure();
            session.authenticate();
            return session;
        } catch (IOException | SmtpTemporaryFailure | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private void connect() throws IOException {
        int timeout = settings.timeoutSeconds() * 1000;
        Socket plain = new Socket();
        // Nagle's algorithm holds each small command back for the previous ACK: ~40 ms a message
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(settings.host(), settings.port()), timeout);
        plain.setSoTimeout(timeout);
        if (settings.tls() == SmtpTls.SMTPS) {
            plain = handshake(plain);
        }
        attach(plain);
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = new BufferedOutputStream(s.getOutputStream(), 65536);
    }

    private Socket handshake(Socket plain) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, settings.host(), settings.port(),
                true);
        if (settings.verify()) {
            SSLParameters parameters = ssl.getSSLParameters();
            // the RFC 2818 rules (DNS and IP SANs) are the ones RFC 6125 asks of SMTP too
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
        }
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        secure = true;
        return ssl;
    }

    private void greeting() throws IOException, SmtpTemporaryFailure {
        SmtpReply greeting = read();
        if (greeting.code() != 220) {
            broken = true;
            throw failure("greeting", greeting, "the server does not accept mail now");
        }
    }

    /** EHLO, or HELO from a server that does not know EHLO; records the extensions. */
    void ehlo() throws IOException, SmtpTemporaryFailure {
        SmtpReply reply = command("EHLO " + settings.helo());
        extensions.clear();
        if (reply.permanent() && !reply.closing()) {
            reply = command("HELO " + settings.helo());
        } else if (reply.positive()) {
            for (String line : reply.lines().subList(1, reply.lines().size())) {
                String[] words = line.split("[ =]", 2);
                extensions.put(words[0].toUpperCase(Locale.ROOT), words.length > 1 ? words[1] : "");
            }
        }
        if (!reply.positive()) {
            broken = true;
            throw failure("EHLO", reply, "the server refused our greeting (smtp.helo = "
                    + settings.helo() + ")");
        }
    }

    private void secure() throws IOException, SmtpTemporaryFailure {
        boolean offered = extensions.containsKey("STARTTLS");
        // opportunistic TLS protects nothing on loopback and local MTAs often have
        // self-signed certificates; "required", "smtps" and AUTH still insist
        boolean loopback = socket.getInetAddress().isLoopbackAddress() && settings.user() == null;
        if (secure || settings.tls() == SmtpTls.NONE
                || (settings.tls() == SmtpTls.STARTTLS && (!offered || loopback))) {
            return;
        }
        if (!offered) {
            throw failure("EHLO", null, "smtp.tls = required but the server does not offer"
                    + " STARTTLS");
        }
        startTls();
    }

    /** STARTTLS, the handshake, and EHLO again: what was said before TLS no longer counts. */
    void startTls() throws IOException, SmtpTemporaryFailure {
        SmtpReply reply = command("STARTTLS");
        if (reply.code() != 220) {
            throw failure("STARTTLS", reply, "the server offered STARTTLS but refused it");
        }
        attach(handshake(socket));
        ehlo();
    }

    private void authenticate() throws IOException, SmtpTemporaryFailure {
        if (settings.user() == null) {
            return;
        }
        if (!secure && !settings.authPlaintext()) {
            throw failure("AUTH", null, "the session is not encrypted, and AUTH would send the"
                    + " password in clear; use smtp.tls = required, or set smtp.auth.plaintext"
                    + " = true for a server on this host");
        }
        String mechanisms = " " + extensions.getOrDefault("AUTH", "").toUpperCase(Locale.ROOT)
                + " ";
        if (mechanisms.contains(" PLAIN ")) {
            authPlain();
        } else if (mechanisms.contains(" LOGIN ")) {
            authLogin();
        } else {
            throw failure("AUTH", null, "smtp.user is set but the server offers neither AUTH"
                    + " PLAIN nor AUTH LOGIN (offered:" + mechanisms + ")");
        }
    }

    /** AUTH PLAIN (RFC 4616). The line is traced masked: it holds the password. */
    void authPlain() throws IOException, SmtpTemporaryFailure {
        String token = "\0" + settings.user() + "\0" + settings.password();
        checkAuth(secret("AUTH PLAIN " + base64(token), "AUTH PLAIN " + SmtpSettings.MASK));
    }

    /** AUTH LOGIN, the older two-step form some MTAs still want. */
    void authLogin() throws IOException, SmtpTemporaryFailure {
        SmtpReply reply = command("AUTH LOGIN");
        if (reply.code() == 334) {
            reply = secret(base64(settings.user()), SmtpSettings.MASK);
        }
        if (reply.code() == 334) {
            reply = secret(base64(settings.password()), SmtpSettings.MASK);
        }
        checkAuth(reply);
    }

    private void checkAuth(SmtpReply reply) throws SmtpTemporaryFailure {
        if (reply.code() != 235) {
            // bad credentials are a configuration problem: keep the mail until they are fixed
            throw failure("AUTH", reply, "authentication as smtp.user = " + settings.user()
                    + " failed; check smtp.user and the password");
        }
    }

    /** Sets the spool id the trace lines start with while a message is on this session. */
    void traceAs(String id) {
        traceId = id == null ? "smtp " + name : id;
    }

    /** MAIL FROM, with SIZE= when the server knows SIZE and ENVID= when it knows DSN. */
    void mailFrom(String sender, long size, String envelopeId) throws IOException {
        StringBuilder line = new StringBuilder("MAIL FROM:<").append(sender).append('>');
        if (extensions.containsKey("SIZE")) {
            line.append(" SIZE=").append(size);
        }
        if (envelopeId != null && extensions.containsKey("DSN")) {
            line.append(" ENVID=").append(xtext(envelopeId));
        }
        send(line.toString());
    }

    /** RFC 3461 xtext: '+', '=' and anything outside printable ASCII as +XX. */
    private static String xtext(String value) {
        StringBuilder text = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 32 && c < 127 && c != '+' && c != '=') {
                text.append((char) c);
            } else {
                text.append('+').append(String.format("%02X", c));
            }
        }
        return text.toString();
    }

    void rcptTo(String recipient) throws IOException {
        send("RCPT TO:<" + recipient + ">");
    }

    void data() throws IOException {
        send("DATA");
    }

    /**
     * The message after a 354: dot-stuffed body, then the end line. {@link #dataEndSent()} is
     * true from the moment the end line may have reached the server.
     */
    SmtpReply message(byte[] routing, byte[] header, Body entity) throws IOException {
        SmtpData.writeStuffed(out, Body.of(routing), Body.of(header), entity);
        dataEndSent = true;
        SmtpData.writeEnd(out);
        TRACE.debug("{} > ({} message bytes) .", traceId,
                routing.length + header.length + entity.length());
        SmtpReply reply = reply();
        messages++;
        return reply;
    }

    /** RSET: ends a transaction, and on a reused connection shows that it is still alive. */
    SmtpReply rset() throws IOException {
        dataEndSent = false;
        return command("RSET");
    }

    /** Flushes pending commands and reads the next reply. */
    SmtpReply reply() throws IOException {
        out.flush();
        return read();
    }

    private SmtpReply command(String line) throws IOException {
        send(line);
        return reply();
    }

    private SmtpReply secret(String line, String shown) throws IOException {
        TRACE.debug("{} > {}", traceId, shown);
        write(line);
        return reply();
    }

    private void send(String line) throws IOException {
        TRACE.debug("{} > {}", traceId, line);
        write(line);
    }

    private void write(String line) throws IOException {
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    private SmtpReply read() throws IOException {
        try {
            SmtpReply reply = parse();
            TRACE.debug("{} < {}", traceId, reply.text());
            if (reply.closing()) {
                broken = true;
            }
            return reply;
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    private SmtpReply parse() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("malformed reply from " + name + ": "
                        + line.substring(0, Math.min(line.length(), 80)));
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new SmtpReply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed by " + name);
            }
            if (line.size() > 4096) {
                throw new IOException("reply line longer than 4096 bytes from " + name);
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** The size limit from EHLO SIZE, or 0 when the server names none. */
    long sizeLimit() {
        try {
            return Long.parseLong(extensions.getOrDefault("SIZE", "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    boolean offers(String extension) {
        return extensions.containsKey(extension);
    }

    boolean pipelining() {
        return extensions.containsKey("PIPELINING");
    }

    boolean isSecure() {
        return secure;
    }

    /** True once the connection can carry nothing more: an I/O error or a 421. */
    boolean broken() {
        return broken;
    }

    boolean dataEndSent() {
        return dataEndSent;
    }

    /** Messages this connection has carried, to tell a fresh connection from a reused one. */
    int messages() {
        return messages;
    }

    String name() {
        return name;
    }

    /** QUIT politely when the connection is still usable, then close it. Never throws. */
    void quit() {
        if (!broken && socket != null) {
            try {
                command("QUIT");
            } catch (IOException ignored) {
                // the server may hang up before its 221; the session is over either way
            }
        }
        close();
    }

    @Override
    public void close() {
        broken = true;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing was in flight that closing could lose
            }
        }
    }

    private SmtpTemporaryFailure failure(String command, SmtpReply reply, String why) {
        String text = "SMTP " + name + " " + command + ": " + why
                + (reply == null ? "" : " (server said: " + reply.text() + ")");
        return new SmtpTemporaryFailure(text, command, reply == null ? 0 : reply.code(), null,
                List.of(), List.of(), null);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

}
