package org.smimepickup.message;

import java.util.ArrayList;
import java.util.List;
import org.smimepickup.failure.PermanentFailure;

/**
 * Builds the MIME entity that gets signed or encrypted: the message's Content-* fields and body,
 * made canonical (CRLF line breaks) and 7-bit clean (8-bit or long-lined text to
 * quoted-printable, binary to base64) before anything hashes it. Parts that are already safe
 * keep their bytes; decoded content is never changed, only its transfer encoding.
 */
public final class CanonicalEntity {
    /** Deeper nesting than this is hostile, not mail. */
    static final int MAX_DEPTH = 40;

    private final byte[] data;
    private final ByteSink out;

    private CanonicalEntity(byte[] data, int sizeHint) {
        this.data = data;
        this.out = new ByteSink(sizeHint + sizeHint / 16 + 256);
    }

    /** The canonical entity for a parsed input, as bytes ready to sign or encrypt. */
    public static byte[] of(InputMessage input) throws PermanentFailure {
        return build(input).toByteArray();
    }

    /** As {@link #of}, without copying the result: large messages are held only once. */
    public static Body body(InputMessage input) throws PermanentFailure {
        return build(input).toBody();
    }

    private static ByteSink build(InputMessage input) throws PermanentFailure {
        byte[] data = input.data();
        CanonicalEntity entity = new CanonicalEntity(data, data.length - input.bodyStart());
        List<HeaderField> contentFields =
                input.header().select(HeaderBlock::isContentField);
        entity.writePart(contentFields, input.bodyStart(), data.length, "text/plain", 0);
        return entity.out;
    }

    private void writePart(List<HeaderField> fields, int from, int to, String defaultType,
            int depth) throws PermanentFailure {
        if (depth > MAX_DEPTH) {
            throw new PermanentFailure("MIME nesting deeper than " + MAX_DEPTH + " levels");
        }
        ContentType type = ContentType.of(valueOf(fields, "Content-Type"), defaultType);
        String cte = transferEncoding(fields);
        boolean identity = isIdentity(cte);

        if (type.isMultipart() && identity) {
            writeMultipart(fields, type, cte, from, to, depth);
        } else if (type.isEncapsulatedMessage() && identity) {
            writeFields(fields, relabel(cte));
            from = keepMboxSeparator(from, to);
            HeaderBlock inner = HeaderBlock.parse(data, from, to, false);
            writeHeader(inner.select(f -> !HeaderBlock.isContentField(f)), null, false);
            writePart(inner.select(HeaderBlock::isContentField), inner.bodyStart(), to,
                    "text/plain", depth + 1);
        } else {
            writeLeaf(fields, type, cte, from, to);
        }
    }

    /**
     * A forwarded message saved from an mbox may open with its "From " separator line, which is
     * not a header field: it is copied as it stands (when 7-bit clean) and the header is read
     * after it, so that the message's own fields stay fields. Returns where the header starts.
     */
    private int keepMboxSeparator(int from, int to) {
        byte[] separator = {'F', 'r', 'o', 'm', ' '};
        if (to - from < separator.length
                || !java.util.Arrays.equals(data, from, from + 5, separator, 0, 5)) {
            return from;
        }
        int next = Lines.nextLine(data, Lines.endOfLine(data, from, to), to);
        byte[] line = TransferEncoding.crlf(data, from, next);
        if (TransferEncoding.isCleanAscii(line, 0, line.length, 998, true)) {
            out.bytes(line);
        }
        return next;
    }

    /** Fields of an encapsulated message are written here; its Content-* go with its body. */
    private void writeFields(List<HeaderField> fields, String newCte) throws PermanentFailure {
        writeHeader(fields, newCte, true);
    }

    private void writeHeader(List<HeaderField> fields, String newCte, boolean endBlock)
            throws PermanentFailure {
        boolean cteWritten = newCte == null;
        for (HeaderField field : fields) {
            if (newCte != null && field.is("Content-Transfer-Encoding")) {
                continue;
            }
            out.bytes(HeaderEncoding.sevenBit(field, TransferEncoding.SAFE_LINE)).crlf();
            if (!cteWritten && field.is("Content-Type")) {
                out.ascii("Content-Transfer-Encoding: " + newCte).crlf();
                cteWritten = true;
            }
        }
        if (!cteWritten) {
            out.ascii("Content-Transfer-Encoding: " + newCte).crlf();
        }
        if (endBlock) {
            out.crlf();
        }
    }

    private void writeMultipart(List<HeaderField> fields, ContentType type, String cte, int from,
            int to, int depth) throws PermanentFailure {
        String boundary = type.param("boundary");
        MultipartBody body = boundary == null || boundary.isEmpty() ? null
                : MultipartBody.split(data, from, to, boundary);
        if (body == null || body.parts().isEmpty()) {
            String problem = body == null ? " has no boundary parameter"
                    : " boundary \"" + Addresses.printable(boundary) + "\" never appears";
            writeUnsplittable(fields, type.type() + problem, cte, from, to);
            return;
        }
        writeFields(fields, relabel(cte));
        String childDefault = type.type().equals("multipart/digest")
                ? "message/rfc822" : "text/plain";

        boolean breakFirst = writeFiller(body.preambleFrom(), body.preambleTo());
        for (int[] part : body.parts()) {
            // the line break before a delimiter belongs to the delimiter, not to the part
            if (breakFirst) {
                out.crlf();
            }
            breakFirst = true;
            out.ascii("--" + boundary).crlf();
            HeaderBlock header = HeaderBlock.parse(data, part[0], part[1], false);
            writePart(header.fields(), header.bodyStart(), part[1], childDefault, depth + 1);
        }
        out.crlf().ascii("--" + boundary + "--").crlf();
        writeFiller(body.epilogueFrom(), body.epilogueTo());
    }

    /**
     * A multipart whose parts cannot be found goes on as it came, so every reader sees the same
     * thing it would have seen unsigned; that is only possible when its body is 7-bit clean.
     */
    private void writeUnsplittable(List<HeaderField> fields, String problem, String cte,
            int from, int to) throws PermanentFailure {
        if (!TransferEncoding.isCleanAscii(data, from, to, 998, false)) {
            throw new PermanentFailure(problem + ": its parts cannot be found and its 8-bit"
                    + " body cannot be re-encoded without them");
        }
        writeBodyCrlf(fields, relabel(cte), data, from, to);
    }

    /** Preamble and epilogue are invisible to readers; kept only when already 7-bit safe. */
    private boolean writeFiller(int from, int to) {
        if (to <= from) {
            return false;
        }
        byte[] text = TransferEncoding.crlf(data, from, to);
        if (!TransferEncoding.isCleanAscii(text, 0, text.length, 998, true)) {
            return false;
        }
        out.bytes(text);
        return true;
    }

    private void writeLeaf(List<HeaderField> fields, ContentType type, String cte, int from,
            int to) throws PermanentFailure {
        byte[] content;
        if (cte.equals("base64")) {
            // damaged base64 that is still 7-bit text goes on as it came: every reader then
            // decodes it as it would have, and nothing is silently rewritten
            int bareLfs = TransferEncoding.cleanBase64BareLfs(data, from, to);
            if (bareLfs == 0) {
                // already CRLF throughout: the CRLF pass would copy it unchanged
                writeHeader(fields, null, true);
                out.bytes(data, from, to);
                return;
            }
            if (bareLfs > 0 || TransferEncoding.isCleanAscii(data, from, to, 998, false)) {
                writeBodyCrlf(fields, null, data, from, to);
                return;
            }
            content = TransferEncoding.decodeBase64(data, from, to);
        } else if (cte.equals("quoted-printable")) {
            if (TransferEncoding.isCleanAscii(data, from, to, TransferEncoding.SAFE_LINE, false)) {
                writeBodyCrlf(fields, null, data, from, to);
                return;
            }
            content = TransferEncoding.decodeQuotedPrintable(data, from, to);
        } else if (!isIdentity(cte)
                && TransferEncoding.isCleanAscii(data, from, to, 998, false)) {
            // an encoding we do not know (x-uuencode, a typo): pass the 7-bit text through
            writeBodyCrlf(fields, null, data, from, to);
            return;
        } else {
            content = java.util.Arrays.copyOfRange(data, from, to);
        }
        writeDecoded(fields, type, cte, content);
    }

    /** Chooses the transfer encoding for decoded content and writes the leaf. */
    private void writeDecoded(List<HeaderField> fields, ContentType type, String cte,
            byte[] content) throws PermanentFailure {
        if (type.mustStaySevenBit()) {
            if (!TransferEncoding.isCleanAscii(content, 0, content.length, 998, false)) {
                throw new PermanentFailure(type.type() + " must be 7bit (RFC 2046) but has 8-bit"
                        + " bytes or lines over 998 characters");
            }
            writeBodyCrlf(fields, relabel(cte), content, 0, content.length);
            return;
        }
        if (type.isText()) {
            byte[] text = TransferEncoding.crlf(content, 0, content.length);
            if (TransferEncoding.isSafeText(text)) {
                writeBody(fields, cte.equals("7bit") || cte.isEmpty() ? null : "7bit", text);
            } else {
                writeHeader(fields, "quoted-printable", true);
                TransferEncoding.quotedPrintable(text, out);
            }
            return;
        }
        if (TransferEncoding.isCleanAscii(content, 0, content.length,
                TransferEncoding.SAFE_LINE, true)) {
            writeBody(fields, cte.equals("7bit") || cte.isEmpty() ? null : "7bit", content);
        } else {
            writeHeader(fields, "base64", true);
            TransferEncoding.base64(content, 0, content.length, out);
        }
    }

    private void writeBody(List<HeaderField> fields, String newCte, byte[] body)
            throws PermanentFailure {
        writeHeader(fields, newCte, true);
        out.bytes(body);
    }

    /** As {@link #writeBody} with the CRLF form of a range, made in place in the output. */
    private void writeBodyCrlf(List<HeaderField> fields, String newCte, byte[] source, int from,
            int to) throws PermanentFailure {
        writeHeader(fields, newCte, true);
        TransferEncoding.crlf(source, from, to, out);
    }

    private static String valueOf(List<HeaderField> fields, String name) {
        for (HeaderField field : fields) {
            if (field.is(name)) {
                return field.value();
            }
        }
        return null;
    }

    private static String transferEncoding(List<HeaderField> fields) {
        String value = valueOf(fields, "Content-Transfer-Encoding");
        return value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isIdentity(String cte) {
        return cte.isEmpty() || cte.equals("7bit") || cte.equals("8bit") || cte.equals("binary");
    }

    /** 8bit and binary labels become 7bit once the content below is made 7-bit clean. */
    private static String relabel(String cte) {
        return cte.equals("8bit") || cte.equals("binary") ? "7bit" : null;
    }

    /** Offsets of a multipart body: preamble, each part, epilogue. */
    record MultipartBody(int preambleFrom, int preambleTo, List<int[]> parts, int epilogueFrom,
            int epilogueTo) {

        /**
         * Splits at delimiter lines. The line break before a delimiter belongs to it (RFC 2046).
         * A missing close delimiter ends the last part at the end of the body, as clients read it.
         */
        static MultipartBody split(byte[] data, int from, int to, String boundary) {
            byte[] dash = ("--" + boundary).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            ByteSearch search = new ByteSearch(dash);
            List<int[]> parts = new ArrayList<>();
            int preambleTo = -1;
            int partStart = -1;
            int epilogueFrom = to;
            int searchFrom = from;
            while (searchFrom < to) {
                // only a line that starts with the dash boundary can be a delimiter: jump from
                // one occurrence to the next instead of reading every line of a large part
                int pos = search.indexOf(data, searchFrom, to);
                if (pos < 0) {
                    break;
                }
                if (pos > from && data[pos - 1] != '\n') {
                    searchFrom = pos + 1;
                    continue;
                }
                int end = Lines.endOfLine(data, pos, to);
                int next = Lines.nextLine(data, end, to);
                int kind = delimiter(data, pos, end, dash);
                if (kind != 0) {
                    int contentEnd = pos - Lines.breakBefore(data, pos, from);
                    if (partStart < 0) {
                        preambleTo = Math.max(from, contentEnd);
                    } else {
                        parts.add(new int[] {partStart, Math.max(partStart, contentEnd)});
                    }
                    partStart = next;
                    if (kind == 2) {
                        epilogueFrom = next;
                        partStart = -2;
                        break;
                    }
                }
                searchFrom = kind != 0 ? next : pos + 1;
            }
            if (partStart >= 0) {
                parts.add(new int[] {partStart, to});
            }
            int preambleEnd = preambleTo < 0 ? from : preambleTo;
            return new MultipartBody(from, preambleEnd, parts, Math.min(epilogueFrom, to), to);
        }

        /** 0: not a delimiter; 1: a part delimiter; 2: the close delimiter. */
        private static int delimiter(byte[] data, int pos, int end, byte[] dash) {
            if (end - pos < dash.length) {
                return 0;
            }
            for (int i = 0; i < dash.length; i++) {
                if (data[pos + i] != dash[i]) {
                    return 0;
                }
            }
            int i = pos + dash.length;
            int kind = 1;
            if (i + 2 <= end && data[i] == '-' && data[i + 1] == '-') {
                kind = 2;
                i += 2;
            }
            while (i < end && (data[i] == ' ' || data[i] == '\t')) {
                i++;
            }
            return i == end ? kind : 0;
        }
    }
}
