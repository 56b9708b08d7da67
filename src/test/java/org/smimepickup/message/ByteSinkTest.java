package org.smimepickup.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteSinkTest {
    /** The unlocked writes must grow and copy exactly as the JDK's buffer does. */
    @Test
    void writesOfEverySizeMatchAByteArrayOutputStream() {
        Random random = new Random(11);
        for (int initial : new int[] {0, 1, 2, 3, 31, 100}) {
            ByteSink sink = new ByteSink(initial);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int step = 0; step < 400; step++) {
                switch (random.nextInt(4)) {
                    case 0 -> {
                        int b = random.nextInt(256);
                        sink.write(b);
                        expected.write(b);
                    }
                    case 1 -> {
                        sink.crlf();
                        expected.write('\r');
                        expected.write('\n');
                    }
                    default -> {
                        byte[] chunk = new byte[random.nextInt(step < 390 ? 70 : 5000)];
                        random.nextBytes(chunk);
                        int off = random.nextInt(chunk.length + 1);
                        int len = random.nextInt(chunk.length - off + 1);
                        sink.write(chunk, off, len);
                        expected.write(chunk, off, len);
                    }
                }
                assertThat(sink.size()).isEqualTo(expected.size());
            }
            assertThat(sink.toByteArray()).isEqualTo(expected.toByteArray());
            assertThat(sink.toBody().length()).isEqualTo(expected.size());
        }
    }

    @Test
    void aSliceOutsideTheArrayIsRefusedAndNothingIsWritten() {
        ByteSink sink = new ByteSink(4);
        sink.ascii("ok");

        assertThatThrownBy(() -> sink.write(new byte[3], 2, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sink.write(new byte[3], -1, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(sink.toByteArray()).isEqualTo(new byte[] {'o', 'k'});
    }
}
