package org.smimepickup.deliver;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.smimepickup.certs.PemFiles;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Body;
import org.smimepickup.message.Envelope;
import org.tinylog.Logger;

/**
 * Injects secured messages into an MTA over SMTP, with our own client so that the bytes on the
 * wire are exactly the bytes that were signed (Jakarta Mail's Transport would re-encode and
 * replace the Message-ID). Keeps up to {@code smtp.connections} sessions open and reuses them
 * across messages. Thread-safe; {@link #deliver} blocks while all sessions are busy.
 *
 * <p>Outcomes: every recipient whose RCPT was accepted and whose message got a 2xx after the
 * end of data has its copy; all others are listed in the failure, which says through
 * {@link PartialDelivery} who got it, so that a retry goes to the others only. The failure is
 * temporary when any of them may still succeed (4xx, I/O, timeout), else permanent (5xx).
 */
public final class SmtpInjector implements Delivery, AutoCloseable {
    private final SmtpSettings settings;
    private final SSLSocketFactory tls;
    private final Semaphore permits;
    private final BlockingDeque<SmtpSession> idle = new LinkedBlockingDeque<>();

    /** What refused a recipient: the command, the address and the server's reply. */
    private record Refusal(String command, String address, SmtpReply reply) {
    }

    public SmtpInjector(SmtpSettings settings) throws GeneralSecurityException {
        this.settings = settings;
        this.tls = socketFactory(settings);
        this.permits = new Semaphore(settings.connections(), true);
    }

    /** Logs the connection line and what the operator should fix; once, at start-up. */
    public void logStartup() {
        Logger.info("smtp delivery: {}", settings.describe());
        if (!settings.verify() && settings.tls() != SmtpTls.NONE) {
            Logger.warn("smtp: smtp.tls.verify = false: the server certificate and host name"
                    + " are not checked, so anyone on the path can read the mail and the"
                    + " password; give the server's CA in smtp.tls.trust instead");
        }
        for (String warning : settings.warnings()) {
            Logger.warn("smtp: {}", warning);
        }
    }

    public SmtpSettings settings() {
        return settings;
    }

    @Override
    public String deliver(Envelope envelope, byte[] header, Body entity, String id)
            throws SmtpTemporaryFailure, SmtpPermanentFailure {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw temporary("interrupted while waiting for a free SMTP session", 0, e);
        }
        try {
            return deliverOnSession(envelope, header, entity, id);
        } finally {
            permits.release();
        }
    }

    /**
     * A reused session that turns out to be closed (RSET fails, a 421, a reset before the end
     * of data) is replaced by a fresh one, once: nothing of the message was accepted on it, so
     * the new attempt can neither lose nor double it.
     */
    private String deliverOnSession(Envelope envelope, byte[] header, Body entity, String id)
            throws SmtpTemporaryFailure, SmtpPermanentFailure {
        SmtpSession session = reusable();
        boolean reused = session != null;
        while (true) {
            if (session == null) {
                session = open();
            }
            session.traceAs(id);
            try {
                String where = transact(session, envelope, header, entity);
                release(session);
                return where;
            } catch (IOException e) {
                session.close();
                if (!(reused && !session.dataEndSent())) {
                    throw ioFailure(session, e);
                }
            } catch (SmtpTemporaryFailure e) {
                release(session);
                if (!(reused && session.broken() && !session.dataEndSent()
                        && e.delivered().isEmpty())) {
                    throw e;
                }
            } catch (SmtpPermanentFailure e) {
                release(session);
                throw e;
            }
            Logger.debug("{} smtp: reused connection to {} was closed, opening a new one", id,
                    session.name());
            session = null;
            reused = false;
        }
    }

    /** An idle session that still answers RSET, or null. */
    private SmtpSession reusable() {
        for (SmtpSession s = idle.pollFirst(); s != null; s = idle.pollFirst()) {
            try {
                if (s.rset().positive()) {
                    return s;
                }
            } catch (IOException e) {
                // closed while idle (server timeout, restart): the normal fate of a pooled one
            }
            s.close();
        }
        return null;
    }

    private SmtpSession open() throws SmtpTemporaryFailure {
        try {
            return SmtpSession.open(settings, tls);
        } catch (ConnectException e) {
            throw temporary("cannot connect to " + where() + ": " + e.getMessage()
                    + " (is the MTA running and listening there?)", 0, e);
        } catch (SocketTimeoutException e) {
            throw temporary("no answer from " + where() + " within smtp.timeout.seconds = "
                    + settings.timeoutSeconds(), 0, e);
        } catch (SSLException e) {
            throw temporary("TLS with " + where() + " failed: " + e.getMessage()
                    + "; check smtp.tls.trust and that the certificate names " + settings.host(),
                    0, e);
        } catch (IOException e) {
            throw temporary("connection to " + where() + " failed: " + e.getMessage(), 0, e);
        }
    }

    /** Back to the pool when it can carry another message; closed otherwise. */
    private void release(SmtpSession session) {
        session.traceAs(null);
        if (session.broken()) {
            session.close();
        } else {
            idle.offerFirst(session);
        }
    }

    /** One transaction: MAIL, RCPT per recipient, DATA, the message, the final reply. */
    private String transact(SmtpSession s, Envelope envelope, byte[] header, Body entity)
            throws IOException, SmtpTemporaryFailure, SmtpPermanentFailure {
        byte[] routing = routingHeaders(envelope, header);
        long size = (long) routing.length + header.length + entity.length();
        checkSize(s, size);

        List<String> recipients = envelope.recipients();
        Map<String, Refusal> refused = new LinkedHashMap<>();
        boolean batch = s.pipelining();
        s.mailFrom(envelope.sender(), size, envelopeId(envelope));
        SmtpReply mail = batch ? null : answer(s);
        if (mail != null && !mail.positive()) {
            return refuseAll(s, envelope, refused, "MAIL FROM", mail);
        }

        for (String recipient : recipients) {
            s.rcptTo(recipient);
            if (!batch) {
                check(recipient, answer(s), refused);
            }
        }
        if (!batch && refused.size() == recipients.size()) {
            return refuseAll(s, envelope, refused, "RCPT TO", null);
        }

        s.data();
        if (batch) {
            mail = answer(s);
            for (String recipient : recipients) {
                check(recipient, answer(s), refused);
            }
        }
        SmtpReply data = answer(s);
        if (batch && (!mail.positive() || refused.size() == recipients.size())) {
            if (data.code() == 354) {
                // RFC 2920: with nobody to deliver to, end the empty message at once
                closing(s.message(new byte[0], new byte[0], Body.of(new byte[0])));
            }
            return refuseAll(s, envelope, refused, mail.positive() ? "RCPT TO" : "MAIL FROM",
                    mail.positive() ? null : mail);
        }
        if (data.code() != 354) {
            return refuseAll(s, envelope, refused, "DATA", data);
        }

        SmtpReply end = closing(s.message(routing, header, entity));
        if (!end.positive()) {
            return refuseAll(s, envelope, refused, "end of data", end);
        }
        settle(envelope, refused);
        // the log line's to= field must stay one word: the reply joins it with '/'
        return "smtp://" + s.name() + "/" + end.text().strip().replaceAll("\\s+", "_");
    }

    /** The next reply; a 421 (the server is going away) ends the session like a reset. */
    private static SmtpReply answer(SmtpSession s) throws IOException {
        return closing(s.reply());
    }

    private static SmtpReply closing(SmtpReply reply) throws ClosingReply {
        if (reply.closing()) {
            throw new ClosingReply(reply);
        }
        return reply;
    }

    /** A 421: the server refuses to go on now, and nothing on this connection was accepted. */
    private static final class ClosingReply extends IOException {
        private final SmtpReply reply;

        ClosingReply(SmtpReply reply) {
            super(reply.text());
            this.reply = reply;
        }
    }

    /**
     * The pickup lines that have an SMTP form in PowerMTA: {@code x-job} and
     * {@code x-virtual-mta} become header fields on top (PowerMTA reads and removes them), unless
     * the header already has them. They stay outside the signature, like every outer field.
     */
    static byte[] routingHeaders(Envelope envelope, byte[] header) {
        String existing = "\n" + new String(header, StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        StringBuilder lines = new StringBuilder();
        for (String extra : envelope.extras()) {
            String name = extra.substring(0, extra.indexOf(':')).toLowerCase(Locale.ROOT);
            if ((name.equals("x-job") || name.equals("x-virtual-mta"))
                    && !existing.contains("\n" + name + ":")) {
                lines.append(extra).append("\r\n");
            }
        }
        return lines.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code x-envid} pickup line's value, for MAIL FROM ENVID= (RFC 3461); or null. */
    private static String envelopeId(Envelope envelope) {
        for (String extra : envelope.extras()) {
            if (extra.toLowerCase(Locale.ROOT).startsWith("x-envid:")) {
                return extra.substring(extra.indexOf(':') + 1).strip();
            }
        }
        return null;
    }

    private void checkSize(SmtpSession s, long size) throws SmtpPermanentFailure {
        long limit = s.sizeLimit();
        if (limit > 0 && size > limit) {
            throw new SmtpPermanentFailure("message is " + size + " bytes but " + where()
                    + " accepts at most " + limit + " (EHLO SIZE " + limit + "); raise the"
                    + " MTA's limit or send smaller mail", "MAIL FROM", 0, null, List.of(),
                    List.of(), null);
        }
    }

    private static void check(String recipient, SmtpReply reply, Map<String, Refusal> refused) {
        if (!reply.positive()) {
            refused.put(recipient, new Refusal("RCPT TO", recipient, reply));
        }
    }

    /**
     * Nobody got the message: {@code reply} (MAIL, DATA or end of data) refused it for every
     * recipient not already refused at RCPT. Resets the transaction, then always throws.
     */
    private String refuseAll(SmtpSession s, Envelope envelope, Map<String, Refusal> refused,
            String command, SmtpReply reply) throws IOException, SmtpTemporaryFailure,
            SmtpPermanentFailure {
        for (String recipient : envelope.recipients()) {
            if (!refused.containsKey(recipient)) {
                refused.put(recipient, new Refusal(command, recipient, reply));
            }
        }
        reset(s);
        settle(envelope, refused);
        throw new IllegalStateException("settle returned with recipients refused");
    }

    /** Ends a failed transaction so the session can carry the next message, or drops it. */
    private static void reset(SmtpSession s) throws IOException {
        if (!s.broken() && !s.rset().positive()) {
            s.close();
        }
    }

    /** Returns when every recipient has the message; throws naming those who have not. */
    private void settle(Envelope envelope, Map<String, Refusal> refused)
            throws SmtpTemporaryFailure, SmtpPermanentFailure {
        if (refused.isEmpty()) {
            return;
        }
        List<String> delivered = new ArrayList<>(envelope.recipients());
        delivered.removeAll(refused.keySet());
        List<String> undelivered = new ArrayList<>(refused.keySet());
        boolean temporary = refused.values().stream().anyMatch(r -> !r.reply().permanent());
        Refusal first = refused.values().stream().filter(r -> r.reply().permanent() != temporary)
                .findFirst().orElseThrow();
        String reason = reason(refused, delivered, temporary);
        if (temporary) {
            throw new SmtpTemporaryFailure(reason, first.command(), first.reply().code(),
                    first.address(), delivered, undelivered, null);
        }
        throw new SmtpPermanentFailure(reason, first.command(), first.reply().code(),
                first.address(), delivered, undelivered, null);
    }

    /** "refused by HOST: RCPT TO:&lt;x&gt; 550 ...; ...", then who has the message already. */
    private String reason(Map<String, Refusal> refused, List<String> delivered,
            boolean temporary) {
        StringBuilder text = new StringBuilder("SMTP ").append(where())
                .append(temporary ? " deferred: " : " refused: ");
        String separator = "";
        for (Refusal r : groupByReply(refused)) {
            text.append(separator).append(r.command()).append(' ').append(r.address())
                    .append(": ").append(r.reply().text());
            separator = "; ";
        }
        if (!delivered.isEmpty()) {
            text.append(". Already delivered to ").append(String.join(", ", delivered))
                    .append(temporary ? "; only the others are retried"
                            : "; only the refused recipients are kept in this file");
        }
        return text.toString();
    }

    /** One entry per distinct command and reply, naming all its recipients. */
    private static List<Refusal> groupByReply(Map<String, Refusal> refused) {
        Map<String, Refusal> groups = new LinkedHashMap<>();
        for (Refusal r : refused.values()) {
            String key = r.command() + '\0' + r.reply().text();
            Refusal seen = groups.get(key);
            groups.put(key, seen == null ? r : new Refusal(r.command(),
                    seen.address() + ", " + r.address(), r.reply()));
        }
        List<Refusal> list = new ArrayList<>();
        for (Refusal r : groups.values()) {
            list.add(new Refusal(r.command(), "<" + r.address() + ">", r.reply()));
        }
        return list;
    }

    private SmtpTemporaryFailure ioFailure(SmtpSession s, IOException e) {
        if (e instanceof ClosingReply closing) {
            return temporary(where() + " is closing the connection: " + closing.reply.text(),
                    closing.reply.code(), null);
        }
        String when = s.dataEndSent()
                ? " after the end of data: the server may have taken it, so the retry may"
                + " deliver a second copy"
                : "";
        String what = e instanceof SocketTimeoutException
                ? "no answer within smtp.timeout.seconds = " + settings.timeoutSeconds()
                : e.getMessage();
        return temporary("connection to " + where() + " lost" + when + ": " + what, 0, e);
    }

    private SmtpTemporaryFailure temporary(String reason, int code, Throwable cause) {
        return new SmtpTemporaryFailure("SMTP " + reason, null, code, null, List.of(),
                List.of(), cause);
    }

    private String where() {
        return settings.host() + ":" + settings.port();
    }

    /** QUITs the idle sessions. Sessions in use are closed by their message when it ends. */
    @Override
    public void close() {
        for (SmtpSession s = idle.pollFirst(); s != null; s = idle.pollFirst()) {
            s.quit();
        }
    }

    private static SSLSocketFactory socketFactory(SmtpSettings settings)
            throws GeneralSecurityException {
        if (!settings.verify()) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingAnything()}, null);
            return context.getSocketFactory();
        }
        if (settings.trust() == null) {
            return SSLContext.getDefault().getSocketFactory();
        }
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            anchors.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        try {
            int n = 0;
            for (X509Certificate anchor : PemFiles.certificates(settings.trust())) {
                anchors.setCertificateEntry("anchor-" + n++, anchor);
            }
        } catch (PermanentFailure e) {
            throw new GeneralSecurityException("smtp.tls.trust: " + e.getMessage());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** Only for {@code smtp.tls.verify = false}, which is warned about at start-up. */
    private static final class TrustingAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
