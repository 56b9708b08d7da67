#!/usr/bin/env python3
"""Writes the realistic fixture messages in this folder, byte for byte the same on every run.

Everything is made here (the PNG, the PDF, the text), from a fixed seed, with the standard
library only. Run it from anywhere: python3 make-fixtures.py [FOLDER]. The messages use the
fixture addresses: From alerts@sender.example; To ana@rcpt.example and cleo@other.example;
Cc ben@rcpt.example; Bcc dev@rcpt.example.
"""
import base64
import os
import quopri
import random
import struct
import sys
import zlib

FROM = "Sender Alerts <alerts@sender.example>"
TO = "Ana Ribeiro <ana@rcpt.example>, Cleo Martin <cleo@other.example>"
CC = "Ben Okafor <ben@rcpt.example>"
BCC = "dev@rcpt.example"


def header(fields):
    return "".join(f"{name}: {value}\n" for name, value in fields)


def addresses(subject, date, message_id):
    return [("From", FROM), ("To", TO), ("Cc", CC), ("Bcc", BCC), ("Subject", subject),
            ("Date", date), ("Message-ID", message_id), ("MIME-Version", "1.0")]


def qp(text):
    """Quoted-printable of UTF-8 text, LF line breaks, soft breaks at 76."""
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


def b64(data):
    encoded = base64.b64encode(data).decode("ascii")
    return "".join(encoded[i:i + 76] + "\n" for i in range(0, len(encoded), 76))


def with_crlf(text):
    return text.replace("\n", "\r\n").encode("ascii")


# --- a real PNG: a 160 x 54 banner, gradient with a little noise --------------------------

def png(width, height, rng):
    rows = bytearray()
    for y in range(height):
        line = bytearray()
        for x in range(width):
            shade = rng.randrange(8)
            line += bytes((20 + x + shade, 90 + y * 2, 160 - x // 2 + shade))
        # filter type 1 (Sub): each byte minus the one a pixel to its left
        rows.append(1)
        rows += bytes((line[i] - (line[i - 3] if i >= 3 else 0)) & 0xFF
                      for i in range(len(line)))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


# --- the newsletter ------------------------------------------------------------------------

ARTICLES = [
    ("Quarterly results: what changed for you",
     "Revenue grew 12 % year on year – and we invested most of it in faster delivery."),
    ("New data centre in Zürich",
     "Customers in Switzerland and Austria now get lower latency and local storage."),
    ("Price list 2027",
     "From 1 January the Pro plan costs 19,90 € a month; existing contracts keep their price."),
    ("Security notice",
     "We will never ask for your password by e-mail. Report suspicious mail to us."),
    ("Webinar: S/MIME for operations teams",
     "Signing and encryption at the MTA, certificates, and what clients show – live."),
    ("Community corner",
     "Thanks to Jürgen, Zoë and François for their talks at our user meeting in Lyon."),
    ("Maintenance window",
     "Sunday 03:00–04:00 UTC: the dashboard is read-only; mail delivery is not affected."),
    ("Tip of the month",
     "Use per-domain rules to sign mail for one brand and encrypt it for another."),
]


def newsletter_text():
    lines = ["SENDER NEWS — December 2026", "", "Hello Ana,", ""]
    for title, lead in ARTICLES:
        lines += [title.upper(), "-" * len(title), lead,
                  "Read more: https://news.sender.example/2026/12/"
                  + title.lower().replace(" ", "-").replace(":", "") + "?utm_source=newsletter",
                  ""]
    lines += ["You receive this because you subscribed at sender.example.",
              "Unsubscribe: https://news.sender.example/u/7f3a9c", ""]
    return "\n".join(lines)


def newsletter_html():
    cell = ('<tr><td style="padding:16px 24px;font-family:Helvetica,Arial,sans-serif;'
            'font-size:15px;line-height:22px;color:#333333;border-bottom:1px solid #e5e5e5">'
            '<h2 style="margin:0 0 8px 0;font-size:19px;color:#0b4f8a">{title}</h2>'
            '<p style="margin:0 0 12px 0">{lead} {filler}</p>'
            '<a href="https://news.sender.example/2026/12/{slug}?utm_source=newsletter&amp;'
            'utm_medium=email&amp;utm_campaign=dec26" style="color:#0b4f8a;font-weight:bold">'
            'Read more &rarr;</a></td></tr>\n')
    filler = ("Our team spent the last months on the details you asked for: clearer reports, "
              "fewer clicks, and answers from a person within one working day.")
    rows = "".join(cell.format(title=t, lead=lead, filler=filler,
                               slug=t.lower().replace(" ", "-").replace(":", ""))
                   for t, lead in ARTICLES)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Sender News — December 2026</title>'
        '<style>body{margin:0;padding:0;background:#f4f4f4}'
        'a{text-decoration:none}@media (max-width:600px){.wrap{width:100%!important}}</style>'
        '</head>\n<body><center><table class="wrap" role="presentation" width="600" '
        'cellpadding="0" cellspacing="0" border="0" style="background:#ffffff;'
        'margin:24px auto">\n<tr><td style="padding:0"><img src="cid:banner.png@sender.example"'
        ' width="600" height="200" alt="Sender News" style="display:block;width:100%;'
        'height:auto;border:0"></td></tr>\n' + rows
        + '<tr><td style="padding:16px 24px;font-family:Helvetica,Arial,sans-serif;'
        'font-size:12px;color:#888888">You receive this because you subscribed at '
        'sender.example. <a href="https://news.sender.example/u/7f3a9c" style="color:#888888">'
        'Unsubscribe</a> · Sender Example GmbH, Musterstraße 1, 8000 Zürich</td></tr>\n'
        '</table></center></body></html>\n')


def newsletter():
    image = png(160, 54, random.Random(2026))
    head = addresses("=?UTF-8?Q?Sender_News_=E2=80=94_December_2026?=",
                     "Thu, 03 Dec 2026 09:30:00 +0100",
                     "<nl-2026-12.ana@news.sender.example>")
    head += [("List-Unsubscribe", "<mailto:unsubscribe@sender.example?subject=7f3a9c>,\n"
                                  " <https://news.sender.example/u/7f3a9c>"),
             ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
             ("X-Campaign-Id", "nl-2026-12"),
             ("Content-Type", 'multipart/alternative;\n boundary="=_alt_5d1f"')]
    return (header(head) + "\nThis is a multi-part message in MIME format.\n\n"
            "--=_alt_5d1f\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
            + qp(newsletter_text()) + "\n--=_alt_5d1f\n"
            'Content-Type: multipart/related; boundary="=_rel_9c2e"; type="text/html"\n\n'
            "--=_rel_9c2e\n"
            "Content-Type: text/html; charset=utf-8\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
            + qp(newsletter_html()) + "\n--=_rel_9c2e\n"
            'Content-Type: image/png; name="banner.png"\n'
            "Content-Transfer-Encoding: base64\n"
            "Content-ID: <banner.png@sender.example>\n"
            'Content-Disposition: inline; filename="banner.png"\n\n'
            + b64(image) + "--=_rel_9c2e--\n\n--=_alt_5d1f--\n")


# --- a real PDF: pages of text, each with an uncompressed RGB "chart" image ------------------

def pdf(pages, image_side, rng):
    objects = {}
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects[4] = (b"<< /Title (Monthly delivery report, November 2026) "
                  b"/Producer (make-fixtures.py) /CreationDate (D:20261203090000Z) >>")
    kids = []
    for n in range(pages):
        page, content, image = 5 + 3 * n, 6 + 3 * n, 7 + 3 * n
        kids.append(b"%d 0 R" % page)
        objects[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                         b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 %d 0 R >> >> "
                         b"/Contents %d 0 R >>" % (image, content))
        objects[content] = stream(b"", page_text(n, pages, rng))
        pixels = bytes(rng.getrandbits(8) for _ in range(image_side * image_side * 3))
        objects[image] = stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                                b"/ColorSpace /DeviceRGB /BitsPerComponent 8 "
                                % (image_side, image_side), pixels)
    objects[2] = (b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages)
    return assemble(objects)


def stream(dictionary, data):
    return (b"<< " + dictionary + b"/Length %d >>\nstream\n" % len(data) + data
            + b"\nendstream")


def page_text(n, pages, rng):
    lines = [b"BT /F1 18 Tf 56 790 Td (Delivery report, November 2026) Tj ET",
             b"BT /F1 10 Tf 56 770 Td (Page %d of %d) Tj ET" % (n + 1, pages),
             b"q 240 0 0 240 56 500 cm /Im1 Do Q"]
    y = 470
    for row in range(30):
        sent = rng.randrange(10000, 99999)
        lines.append(b"BT /F1 10 Tf 56 %d Td (Day %02d  domain-%02d.example  sent %d  "
                     b"deferred %d  bounced %d) Tj ET"
                     % (y, row + 1, (n * 30 + row) % 97, sent, sent // 50, sent // 400))
        y -= 14
    return b"\n".join(lines)


def assemble(objects):
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, xref))
    return bytes(out)


def report():
    document = pdf(13, 98, random.Random(1130))
    head = addresses("Delivery report, November 2026", "Thu, 03 Dec 2026 09:00:00 +0000",
                     "<report-2026-11@reports.sender.example>")
    head += [("X-Mailer", "report-job 4.2"),
             ("Content-Type", 'multipart/mixed; boundary="----=_Part_0_1130.1764752400"')]
    text = ("Hello,\n\nattached is the delivery report for November 2026: sent, deferred and\n"
            "bounced messages per day and per receiving domain, 13 pages.\n\n"
            "Questions go to the operations team as usual.\n\n-- \nreport-job on "
            "gen-01.sender.example\n")
    return (header(head) + "\n------=_Part_0_1130.1764752400\n"
            "Content-Type: text/plain; charset=us-ascii\n"
            "Content-Transfer-Encoding: 7bit\n\n" + text
            + "\n------=_Part_0_1130.1764752400\n"
            'Content-Type: application/pdf; name="delivery-report-2026-11.pdf"\n'
            "Content-Transfer-Encoding: base64\n"
            'Content-Disposition: attachment; filename="delivery-report-2026-11.pdf"\n\n'
            + b64(document) + "------=_Part_0_1130.1764752400--\n")


# --- PowerMTA pickup-format input and 8-bit UTF-8 text -------------------------------------

def pickup_input():
    envelope = ("x-sender: alerts@sender.example\n"
                "x-receiver: ana@rcpt.example\n"
                "x-receiver: ben@rcpt.example\n"
                "x-receiver: dev@rcpt.example\n"
                "x-receiver: cleo@other.example\n"
                "x-job: invoices-2026-12-03\n"
                "x-virtual-mta: vmta-smime-01\n")
    head = [("From", FROM), ("To", "Ana Ribeiro <ana@rcpt.example>"),
            ("Subject", "Your invoice INV-2026-1203"),
            ("Date", "Thu, 03 Dec 2026 07:15:00 +0000"),
            ("Message-ID", "<inv-2026-1203.ana@billing.sender.example>"),
            ("MIME-Version", "1.0"), ("X-Job", "invoices-2026-12-03"),
            ("Content-Type", 'multipart/mixed; boundary="b1_inv1203"')]
    rows = "".join(f"2026-11-{day:02d};relay;{1000 + day * 37};EUR;{(day * 3.7):.2f}\n"
                   for day in range(1, 31))
    return (envelope + header(head) + "\n--b1_inv1203\n"
            "Content-Type: text/plain; charset=us-ascii\n\n"
            "Dear customer,\n\nyour invoice for November 2026 is attached as CSV.\n"
            "Amount due: EUR 1,234.50, payable by 17 December 2026.\n\n"
            "Billing, sender.example\n\n--b1_inv1203\n"
            'Content-Type: text/csv; charset=us-ascii; name="INV-2026-1203.csv"\n'
            'Content-Disposition: attachment; filename="INV-2026-1203.csv"\n\n'
            "date;service;units;currency;amount\n" + rows + "--b1_inv1203--\n")


def utf8_text():
    head = addresses("=?UTF-8?B?" + base64.b64encode(
        "Störung behoben – 障害は解消しました".encode()).decode() + "?=",
                     "Thu, 03 Dec 2026 11:42:00 +0100", "<incident-4711@alerts.sender.example>")
    head += [("Content-Type", "text/plain; charset=utf-8"),
             ("Content-Transfer-Encoding", "8bit")]
    paragraph = ("Die Störung im Rechenzentrum Zürich ist behoben; alle Warteschlangen sind "
                 "abgearbeitet, und die Zustellung läuft wieder mit üblicher Verzögerung. ")
    body = ["Hallo Ana,", "",
            paragraph * 11,
            "",
            "Ελληνικά: Η βλάβη αποκαταστάθηκε. Русский: Сбой устранён. "
            "日本語：障害は解消しました。詳細は下記をご覧ください。" * 3,
            "",
            "From here on the timeline (this line starts with \"From \"):",
            ". a line that starts with a dot",
            "trailing white space follows   ",
            "\tindented with a tab: 09:12 Alarm · 09:40 Ursache gefunden · 10:05 behoben",
            "Emoji survive too: ✅ 📨 🔐",
            "",
            "Grüße,",
            "Das Betriebsteam", ""]
    return header(head) + "\n" + "\n".join(body)


def write(folder, name, data):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data):,} bytes")


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    letter = newsletter()
    write(folder, "newsletter-html-inline-image-crlf.eml", with_crlf(letter))
    write(folder, "newsletter-html-inline-image-lf.eml", letter.encode("ascii"))
    message = report()
    write(folder, "report-pdf-attachment-crlf.eml", with_crlf(message))
    write(folder, "report-pdf-attachment-lf.eml", message.encode("ascii"))
    write(folder, "pickup-format-input.eml", with_crlf(pickup_input()))
    write(folder, "utf8-8bit-text.eml", utf8_text().encode("utf-8"))


if __name__ == "__main__":
    main()
