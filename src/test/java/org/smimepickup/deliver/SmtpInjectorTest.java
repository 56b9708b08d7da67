package org.smimepickup.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.message.Envelope;

/** The SMTP client against a scripted server on 127.0.0.1: bytes, outcomes and faults. */
class SmtpInjectorTest {
    private static final byte[] HEADER = ("From: alerts@sender.example\r\n"
            + "To: ana@rcpt.example\r\nSubject: dots\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENTITY = ("Content-Type: text/plain\r\n\r\n.one leading dot\r\n"
            + "..two\r\n.\r\nmiddle\r\n.\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final Envelope TWO = new Envelope("bounce@sender.example",
            List.of("ana@rcpt.example", "ben@rcpt.example"), List.of());
    private static final Envelope THREE = new Envelope("bounce@sender.example",
            List.of("ana@rcpt.example", "ben@rcpt.example", "cleo@other.example"), List.of());

    @TempDir
    Path dir;

    private ScriptedSmtpServer server;
    private SmtpInjector injector;

    @BeforeEach
    void startServer() throws Exception {
        server = new ScriptedSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (injector != null) {
            injector.close();
        }
        server.close();
    }

    private SmtpInjector injector(SmtpTls tls, Path trust, String user) throws Exception {
        return injector(server.port(), tls, trust, user, 5);
    }

    private SmtpInjector injector(int port, SmtpTls tls, Path trust, String user, int timeout)
            throws Exception {
        injector = new SmtpInjector(new SmtpSettings("127.0.0.1", port, tls, trust, true, user,
                user == null ? null : "s3cret-pw", false, "client.test", 2, timeout, List.of()));
        return injector;
    }

    private SmtpInjector plain() throws Exception {
        return injector(SmtpTls.NONE, null, null);
    }

    private static byte[] message() {
        byte[] all = new byte[HEADER.length + ENTITY.length];
        System.arraycopy(HEADER, 0, all, 0, HEADER.length);
        System.arraycopy(ENTITY, 0, all, HEADER.length, ENTITY.length);
        return all;
    }

    @Test
    void leadingDotsAreStuffedOnTheWireAndTheServerGetsTheExactBytes() throws Exception {
        plain().deliver(TWO, HEADER, ENTITY, "t1");

        ScriptedSmtpServer.Received got = server.received.get(0);
        assertThat(got.message()).isEqualTo(message());
        assertThat(new String(got.raw(), StandardCharsets.US_ASCII))
                .contains("\r\n..one leading dot\r\n...two\r\n..\r\nmiddle\r\n..\r\n");
        assertThat(got.sender()).isEqualTo("bounce@sender.example");
        assertThat(got.recipients()).containsExactly("ana@rcpt.example", "ben@rcpt.example");
    }

    @Test
    void mailFromAnnouncesTheSizeWhenTheServerHasTheSizeExtension() throws Exception {
        plain().deliver(TWO, HEADER, ENTITY, "t1");

        assertThat(server.received.get(0).mailLine())
                .isEqualTo("MAIL FROM:<bounce@sender.example> SIZE=" + message().length);
    }

    @Test
    void aMessageWithoutFinalLineBreakGetsOneBeforeTheEndLine() throws Exception {
        byte[] entity = "Content-Type: text/plain\r\n\r\nno newline".getBytes();

        plain().deliver(TWO, HEADER, entity, "t1");

        assertThat(new String(server.received.get(0).message())).endsWith("no newline\r\n");
    }

    @Test
    void pickupJobAndVirtualMtaLinesTravelAsHeaderFieldsAndEnvidAsDsnParameter()
            throws Exception {
        server.extensions = List.of("PIPELINING", "DSN");
        Envelope pickup = new Envelope("bounce@sender.example", List.of("ana@rcpt.example"),
                List.of("x-envid: run 7", "x-job: batch-1", "x-virtual-mta: vmta-smime"));

        plain().deliver(pickup, HEADER, ENTITY, "t1");

        ScriptedSmtpServer.Received got = server.received.get(0);
        assertThat(new String(got.message(), StandardCharsets.US_ASCII))
                .startsWith("x-job: batch-1\r\nx-virtual-mta: vmta-smime\r\nFrom: ");
        assertThat(got.mailLine()).isEqualTo("MAIL FROM:<bounce@sender.example> ENVID=run+207");
    }

    @Test
    void oneConnectionCarriesManyMessagesWithRsetBetween() throws Exception {
        SmtpInjector smtp = plain();
        for (int i = 0; i < 5; i++) {
            smtp.deliver(TWO, HEADER, ENTITY, "t" + i);
        }

        assertThat(server.received).hasSize(5);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.commands).filteredOn(c -> c.equals("RSET")).hasSize(4);
    }

    @Test
    void serverWithoutPipeliningOrEightBitMimeGetsCommandsOneByOne() throws Exception {
        server.extensions = List.of();

        plain().deliver(TWO, HEADER, ENTITY, "t1");

        assertThat(server.received.get(0).message()).isEqualTo(message());
        assertThat(server.received.get(0).mailLine())
                .isEqualTo("MAIL FROM:<bounce@sender.example>");
    }

    @Test
    void refusedConnectionIsTemporary() throws Exception {
        SmtpInjector smtp = injector(ScriptedSmtpServer.closedPort(), SmtpTls.NONE, null, null,
                5);

        assertThatThrownBy(() -> smtp.deliver(TWO, HEADER, ENTITY, "t1"))
                .isInstanceOf(SmtpTemporaryFailure.class).hasMessageContaining("cannot connect");
    }

    @Test
    void serverThatNeverGreetsIsATemporaryTimeout() throws Exception {
        server.silent = true;
        SmtpInjector smtp = injector(server.port(), SmtpTls.NONE, null, null, 1);

        assertThatThrownBy(() -> smtp.deliver(TWO, HEADER, ENTITY, "t1"))
                .isInstanceOf(SmtpTemporaryFailure.class)
                .hasMessageContaining("smtp.timeout.seconds = 1");
    }

    @Test
    void greeting421IsTemporaryWithTheServerText() throws Exception {
        server.greeting = n -> "421 4.3.2 busy, try later";

        SmtpTemporaryFailure failure = catchThrowableOfType(SmtpTemporaryFailure.class,
                () -> plain().deliver(TWO, HEADER, ENTITY, "t1"));

        assertThat(failure.code()).isEqualTo(421);
        assertThat(failure.getMessage()).contains("421 4.3.2 busy, try later");
    }

    @Test
    void reply451AfterDataIsTemporaryForEveryRecipient() throws Exception {
        server.endReply = "451 4.3.0 queue file write error";

        SmtpTemporaryFailure failure = catchThrowableOfType(SmtpTemporaryFailure.class,
                () -> plain().deliver(TWO, HEADER, ENTITY, "t1"));

        assertThat(failure.code()).isEqualTo(451);
        assertThat(failure.command()).isEqualTo("end of data");
        assertThat(failure.delivered()).isEmpty();
        assertThat(failure.getMessage()).contains("451 4.3.0 queue file write error");
        assertThat(server.received).isEmpty();
    }

    @Test
    void reply550AtDataIsPermanentWithTheServerText() throws Exception {
        server.dataReply = "550 5.7.1 content refused";

        SmtpPermanentFailure failure = catchThrowableOfType(SmtpPermanentFailure.class,
                () -> plain().deliver(TWO, HEADER, ENTITY, "t1"));

        assertThat(failure.code()).isEqualTo(550);
        assertThat(failure.command()).isEqualTo("DATA");
        assertThat(failure.getMessage()).contains("550 5.7.1 content refused");
    }

    @Test
    void connectionDroppedInTheMiddleOfDataIsTemporary() throws Exception {
        server.dropMidData = true;

        assertThatThrownBy(() -> plain().deliver(TWO, HEADER, ENTITY, "t1"))
                .isInstanceOf(SmtpTemporaryFailure.class).hasMessageContaining("lost");
        assertThat(server.received).isEmpty();
    }

    @Test
    void reusedConnectionClosedWith421IsReopenedAndTheMessageSentOnce() throws Exception {
        server.closeAfterMessages = 1;
        SmtpInjector smtp = plain();

        smtp.deliver(TWO, HEADER, ENTITY, "t1");
        smtp.deliver(TWO, HEADER, ENTITY, "t2");

        assertThat(server.received).hasSize(2);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void reusedConnectionResetByTheServerIsReopenedAndTheMessageSentOnce() throws Exception {
        server.resetAfterMessages = 1;
        SmtpInjector smtp = plain();

        smtp.deliver(TWO, HEADER, ENTITY, "t1");
        smtp.deliver(TWO, HEADER, ENTITY, "t2");

        assertThat(server.received).hasSize(2);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void everyRecipientRefusedIsPermanentAndNoDataIsSent() throws Exception {
        server.extensions = List.of("SIZE 10000000");
        server.rcptReply = a -> "550 5.1.1 <" + a + ">: no such user";

        SmtpPermanentFailure failure = catchThrowableOfType(SmtpPermanentFailure.class,
                () -> plain().deliver(TWO, HEADER, ENTITY, "t1"));

        assertThat(failure.getMessage()).contains("ana@rcpt.example", "ben@rcpt.example",
                "550 5.1.1");
        assertThat(failure.delivered()).isEmpty();
        assertThat(server.commands).doesNotContain("DATA");
    }

    @Test
    void oneRecipientRefused550IsNamedAndTheOthersGetOneCopy() throws Exception {
        server.rcptReply = a -> a.startsWith("ben@") ? "550 5.1.1 no such user" : "250 ok";

        SmtpPermanentFailure failure = catchThrowableOfType(SmtpPermanentFailure.class,
                () -> plain().deliver(THREE, HEADER, ENTITY, "t1"));

        assertThat(failure.address()).isEqualTo("ben@rcpt.example");
        assertThat(failure.code()).isEqualTo(550);
        assertThat(failure.delivered()).containsExactly("ana@rcpt.example", "cleo@other.example");
        assertThat(failure.undelivered()).containsExactly("ben@rcpt.example");
        assertThat(failure.getMessage()).contains("<ben@rcpt.example>", "550 5.1.1");
        assertThat(server.received).hasSize(1);
        assertThat(server.received.get(0).recipients())
                .containsExactly("ana@rcpt.example", "cleo@other.example");
    }

    @Test
    void oneRecipientDeferred452IsLeftForTheRetryAlone() throws Exception {
        server.rcptReply = a -> a.startsWith("ben@") ? "452 4.2.2 mailbox full" : "250 ok";

        SmtpTemporaryFailure failure = catchThrowableOfType(SmtpTemporaryFailure.class,
                () -> plain().deliver(THREE, HEADER, ENTITY, "t1"));

        assertThat(failure.delivered()).containsExactly("ana@rcpt.example", "cleo@other.example");
        assertThat(failure.undelivered()).containsExactly("ben@rcpt.example");
        assertThat(failure.getMessage()).contains("452 4.2.2 mailbox full");
    }

    @Test
    void mixed452And550KeepsBothForTheRetrySoThe550IsNeverDroppedSilently() throws Exception {
        server.rcptReply = a -> a.startsWith("ben@") ? "452 4.2.2 mailbox full"
                : a.startsWith("cleo@") ? "550 5.1.1 unknown" : "250 ok";

        SmtpTemporaryFailure failure = catchThrowableOfType(SmtpTemporaryFailure.class,
                () -> plain().deliver(THREE, HEADER, ENTITY, "t1"));

        assertThat(failure.delivered()).containsExactly("ana@rcpt.example");
        assertThat(failure.undelivered())
                .containsExactlyInAnyOrder("ben@rcpt.example", "cleo@other.example");
    }

    @Test
    void messageOverTheServerSizeLimitFailsPermanentlyBeforeData() throws Exception {
        server.extensions = List.of("PIPELINING", "SIZE 100");

        SmtpPermanentFailure failure = catchThrowableOfType(SmtpPermanentFailure.class,
                () -> plain().deliver(TWO, HEADER, ENTITY, "t1"));

        assertThat(failure.getMessage()).contains("at most 100", message().length + " bytes");
        assertThat(server.commands).noneMatch(c -> c.startsWith("MAIL") || c.equals("DATA"));
    }

    @Test
    void starttlsWithTheTestCaIsVerifiedAndCarriesTheMessage() throws Exception {
        TestTls tls = TestTls.create("127.0.0.1");
        server.tls = tls.serverContext();

        injector(SmtpTls.REQUIRED, tls.writeTrust(dir.resolve("ca.pem")), null)
                .deliver(TWO, HEADER, ENTITY, "t1");

        assertThat(server.received.get(0).message()).isEqualTo(message());
        assertThat(server.commands).contains("STARTTLS");
    }

    @Test
    void starttlsWithAnUnknownCaIsTemporaryAndSendsNothing() throws Exception {
        server.tls = TestTls.create("127.0.0.1").serverContext();
        Path otherCa = TestTls.create("127.0.0.1").writeTrust(dir.resolve("other.pem"));

        assertThatThrownBy(() -> injector(SmtpTls.REQUIRED, otherCa, null)
                .deliver(TWO, HEADER, ENTITY, "t1"))
                .isInstanceOf(SmtpTemporaryFailure.class).hasMessageContaining("TLS");
        assertThat(server.received).isEmpty();
    }

    @Test
    void requiredTlsWithoutStarttlsOfferedSendsNothing() throws Exception {
        assertThatThrownBy(() -> injector(SmtpTls.REQUIRED, null, null)
                .deliver(TWO, HEADER, ENTITY, "t1"))
                .isInstanceOf(SmtpTemporaryFailure.class)
                .hasMessageContaining("does not offer STARTTLS");
        assertThat(server.commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void authPlainIsSentOverTls() throws Exception {
        TestTls tls = TestTls.create("127.0.0.1");
        server.tls = tls.serverContext();
        server.user = "injector";
        server.password = "s3cret-pw";

        injector(SmtpTls.STARTTLS, tls.writeTrust(dir.resolve("ca.pem")), "injector")
                .deliver(TWO, HEADER, ENTITY, "t1");

        assertThat(server.logins).containsExactly("injector:s3cret-pw");
        assertThat(server.received).hasSize(1);
    }

    @Test
    void authIsNeverSentOverPlainText() throws Exception {
        server.user = "injector";
        server.password = "s3cret-pw";

        assertThatThrownBy(() -> injector(SmtpTls.STARTTLS, null, "injector")
                .deliver(TWO, HEADER, ENTITY, "t1"))
                .isInstanceOf(SmtpTemporaryFailure.class)
                .hasMessageContaining("not encrypted").hasMessageNotContaining("s3cret-pw");
        assertThat(server.logins).isEmpty();
    }

    @Test
    void wrongPasswordIsTemporaryAndTheReasonHoldsNoPassword() throws Exception {
        TestTls tls = TestTls.create("127.0.0.1");
        server.tls = tls.serverContext();
        server.user = "injector";
        server.password = "another";

        assertThatThrownBy(() -> injector(SmtpTls.REQUIRED, tls.writeTrust(dir.resolve("c.pem")),
                "injector").deliver(TWO, HEADER, ENTITY, "t1"))
                .isInstanceOf(SmtpTemporaryFailure.class).hasMessageContaining("535")
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void theSettingsNeverShowThePassword() throws Exception {
        String shown = injector(SmtpTls.STARTTLS, null, "injector").settings().toString();

        assertThat(shown).contains("user=injector", "password=****")
                .doesNotContain("s3cret-pw");
    }
}
