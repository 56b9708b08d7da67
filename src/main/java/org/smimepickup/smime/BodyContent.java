package org.smimepickup.smime;

import java.io.IOException;
import java.io.OutputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSTypedData;
import org.smimepickup.message.Body;

/** A body as CMS content: BouncyCastle pulls the bytes through a stream, nothing is copied. */
final class BodyContent implements CMSTypedData {
    private final Body body;

    BodyContent(Body body) {
        this.body = body;
    }

    @Override
    public ASN1ObjectIdentifier getContentType() {
        return CMSObjectIdentifiers.data;
    }

    @Override
    public void write(OutputStream out) throws IOException, CMSException {
        body.writeTo(out);
    }

    @Override
    public Object getContent() {
        return body;
    }
}
