package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FormatHeaderTest {

    private static final FormatHeader V3 = new FormatHeader("EDDT", "training state", 3);

    @Test
    void theMagicIsTheFourLettersBigEndianAndEveryVersionUpToTheWrittenOneIsRead() throws IOException {
        assertThat(V3.magic()).isEqualTo(0x45444454);
        byte[] written = bytes(V3);
        assertThat(written).containsExactly(0x45, 0x44, 0x44, 0x54, 0, 0, 0, 3);
        assertThat(V3.startsWith(written)).isTrue();
        assertThat(V3.read(in(written))).isEqualTo(3);
        assertThat(V3.read(in(bytes(new FormatHeader("EDDT", "training state", 1)))))
                .isEqualTo(1);
    }

    @Test
    void anotherMagicOrAVersionOutOfRangeIsRefusedNamingWhatWasFoundAndExpected() {
        byte[] model = bytes(new FormatHeader("EDDM", "model", 4));
        assertThat(V3.startsWith(model)).isFalse();
        assertThat(V3.startsWith(new byte[] {0x45, 0x44})).isFalse();
        assertThatThrownBy(() -> V3.read(in(model)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an Eddy training state: starts with 0x4544444d, expected 0x45444454 (\"EDDT\")");
        assertThatThrownBy(() -> V3.read(in(bytes(new FormatHeader("EDDT", "training state", 4)))))
                .hasMessage("training state format version 4 is not supported; this build reads versions 1 to 3");
        assertThatThrownBy(() -> new FormatHeader("EDDE", "ensemble state", 1)
                        .read(in(bytes(new FormatHeader("EDDE", "ensemble state", 2)))))
                .hasMessage("ensemble state format version 2 is not supported; this build reads version 1");
        assertThatThrownBy(() -> new FormatHeader("EDD", "x", 1))
                .hasMessage("a magic is four ASCII letters, got 'EDD'");
    }

    private static byte[] bytes(FormatHeader header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            header.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static DataInputStream in(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
