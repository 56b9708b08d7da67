package org.smimepickup.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smimepickup.failure.PermanentFailure;

class EnvelopeReaderTest {
    private static final Path REALISTIC = Path.of(System.getProperty("project.root", "."),
            "test-fixtures", "realistic");

    @Test
    void pickupFormatEnvelopeIsReadAndItsExtraLinesKept() throws Exception {
        Envelope envelope = read("x-sender: <bounce@sender.example>\n"
                + "x-receiver: ana@rcpt.example\nX-Receiver: <ben@rcpt.example>\n"
                + "x-job: batch-7\nx-virtual-mta: vmta-smime\n"
                + "From: alerts@sender.example\nTo: cleo@other.example\n\nhi\n");

        assertThat(envelope.sender()).isEqualTo("bounce@sender.example");
        assertThat(envelope.recipients()).containsExactly("ana@rcpt.example", "ben@rcpt.example");
        assertThat(envelope.extras()).containsExactly("x-job: batch-7",
                "x-virtual-mta: vmta-smime");
    }

    @Test
    void realisticPickupFixtureNamesEveryReceiverAndKeepsJobAndVirtualMta() throws Exception {
        byte[] data = Files.readAllBytes(REALISTIC.resolve("pickup-format-input.eml"));

        Envelope envelope = EnvelopeReader.read(InputMessage.parse(data));

        assertThat(envelope.sender()).isEqualTo("alerts@sender.example");
        assertThat(envelope.recipients()).containsExactly("ana@rcpt.example",
                "ben@rcpt.example", "dev@rcpt.example", "cleo@other.example");
        assertThat(envelope.extras()).containsExactly("x-job: invoices-2026-12-03",
                "x-virtual-mta: vmta-smime-01");
    }

    @Test
    void bccRecipientsAreInTheEnvelope() throws Exception {
        String message = "From: alerts@sender.example\r\nTo: Ana <ana@rcpt.example>,"
                + " cleo@other.example\r\nCc: ben@rcpt.example\r\nBcc: dev@rcpt.example\r\n"
                + "Subject: s\r\n\r\nhi\r\n";

        Envelope envelope = read(message);

        assertThat(envelope.recipients()).containsExactlyElementsOf(jakartaRecipients(message));
        assertThat(envelope.recipients()).contains("dev@rcpt.example").hasSize(4);
    }

    @Test
    void duplicateRecipientsCollapseCaseInsensitively() throws Exception {
        Envelope envelope = read("From: alerts@sender.example\nTo: Ana <Ana@RCPT.example>,"
                + " ben@rcpt.example\nCc: ana@rcpt.example\nBcc: BEN@rcpt.EXAMPLE\n\nhi\n");

        assertThat(envelope.recipients()).containsExactly("Ana@RCPT.example", "ben@rcpt.example");
    }

    @Test
    void returnPathWinsOverSenderAndFrom() throws Exception {
        Envelope envelope = read("Return-Path: <bounces+123@sender.example>\n"
                + "Sender: list@sender.example\nFrom: alerts@sender.example\n"
                + "To: ana@rcpt.example\n\nhi\n");

        assertThat(envelope.sender()).isEqualTo("bounces+123@sender.example");
    }

    @Test
    void senderWinsOverFromWhenThereIsNoReturnPath() throws Exception {
        Envelope envelope = read("From: Alerts <alerts@sender.example>\n"
                + "Sender: list@sender.example\nTo: ana@rcpt.example\n\nhi\n");

        assertThat(envelope.sender()).isEqualTo("list@sender.example");
    }

    @Test
    void fromIsTheSenderWhenNothingElseNamesOne() throws Exception {
        Envelope envelope = read("From: Alerts <alerts@sender.example>\nTo: ana@rcpt.example\n"
                + "\nhi\n");

        assertThat(envelope.sender()).isEqualTo("alerts@sender.example");
        assertThat(envelope.extras()).isEmpty();
    }

    @Test
    void nullReturnPathGivesTheNullSender() throws Exception {
        Envelope envelope = read("Return-Path: <>\nFrom: alerts@sender.example\n"
                + "To: ana@rcpt.example\n\nhi\n");

        assertThat(envelope.sender()).isEmpty();
    }

    @Test
    void messageWithoutRecipientsIsRefused() {
        assertThatThrownBy(() -> read("From: alerts@sender.example\nSubject: s\n\nhi\n"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("no recipients");
    }

    private static Envelope read(String message) throws PermanentFailure {
        return EnvelopeReader.read(InputMessage.parse(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** To, Cc and Bcc as Jakarta Mail reads them, in that order. */
    private static List<String> jakartaRecipients(String message) throws Exception {
        MimeMessage parsed = Mime.parse(message.getBytes(StandardCharsets.UTF_8));
        List<String> found = new ArrayList<>();
        for (RecipientType type : List.of(RecipientType.TO, RecipientType.CC, RecipientType.BCC)) {
            Arrays.stream(parsed.getRecipients(type))
                    .forEach(a -> found.add(((InternetAddress) a).getAddress()));
        }
        return found;
    }
}
