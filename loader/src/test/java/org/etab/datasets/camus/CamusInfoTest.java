package org.etab.datasets.camus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.etab.decode.DatasetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamusInfoTest {
    @TempDir
    Path dir;

    Path cfg(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void originalRelease() throws IOException {
        CamusInfo info = CamusInfo.read(
                cfg(
                        "Info_2CH.cfg",
                        "ED: 1\nES: 15\nNbFrame: 15\nSex: F\nAge: 71\nImageQuality: Good\nLVedv: 90.93\nLVesv: 36.82\nLVef: 60\n"));
        assertThat(info.ed()).isEqualTo(1);
        assertThat(info.es()).isEqualTo(15);
        assertThat(info.nbFrame()).isEqualTo(15);
        assertThat(info.ef()).hasValue(60.0);
        assertThat(info.frameRate()).isEmpty();
        assertThat(info.imageQuality()).contains("Good");
        assertThat(info.get("Sex")).isEqualTo("F");
        assertThat(info.get("LVedv")).isEqualTo("90.93");
        assertThat(info.get("Nope")).isNull();
        assertThat(info.values().keySet())
                .containsExactly("ED", "ES", "NbFrame", "Sex", "Age", "ImageQuality", "LVedv", "LVesv", "LVef");
    }

    @Test
    void aUtf8ByteOrderMarkBeforeTheFirstKeyIsSkipped() throws IOException {
        // as an editor saving "UTF-8 with BOM" writes it: the bytes EF BB BF, then the text
        byte[] text = "ED: 1\r\nES: 11\r\nNbFrame: 17\r\nLVef: 29.17\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[3 + text.length];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(text, 0, bytes, 3, text.length);
        CamusInfo info = CamusInfo.read(Files.write(dir.resolve("Info_2CH.cfg"), bytes));
        assertThat(info.ed()).isEqualTo(1);
        assertThat(info.es()).isEqualTo(11);
        assertThat(info.values().keySet()).containsExactly("ED", "ES", "NbFrame", "LVef");
    }

    @Test
    void release2023WithCrLfAndEdAfterEs() throws IOException {
        CamusInfo info = CamusInfo.read(cfg(
                "Info_4CH.cfg",
                "ED: 18\r\nES: 1\r\nNbFrame: 18\r\nSex: M\r\nAge: 55\r\nImageQuality: Poor\r\nEF: 43.5\r\n"
                        + "FrameRate: 33.0\r\nExtra: kept as is\r\n"));
        assertThat(info.ed()).isEqualTo(18);
        assertThat(info.es()).isEqualTo(1);
        assertThat(info.ef()).hasValue(43.5);
        assertThat(info.frameRate()).hasValue(33.0);
        assertThat(info.get("Extra")).isEqualTo("kept as is");
    }

    @Test
    void lvefWinsOverEfAndIntegersMayBeWrittenAsFloats() throws IOException {
        CamusInfo info = CamusInfo.read(cfg("a.cfg", "ED: 1.0\nES: 10\nNbFrame: 10\nLVef: 50\nEF: 40\n"));
        assertThat(info.ed()).isEqualTo(1);
        assertThat(info.ef()).hasValue(50.0);
    }

    @Test
    void badNumbersNameFileKeyAndValue() throws IOException {
        assertThatThrownBy(() -> CamusInfo.read(cfg("b1.cfg", "ED: one\nES: 2\nNbFrame: 3\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("b1.cfg", "ED", "'one'", "not a number");
        assertThatThrownBy(() -> CamusInfo.read(cfg("b2.cfg", "ED: 1\nES: 2.5\nNbFrame: 3\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("b2.cfg", "ES '2.5'", "not an integer");
        // an EF that is not a number costs only EF and CM: no EF, and the reason
        CamusInfo nan = CamusInfo.read(cfg("b3.cfg", "ED: 1\nES: 2\nNbFrame: 3\nLVef: NaN\n"));
        assertThat(nan.ef()).isEmpty();
        assertThat(nan.efProblem()).isEqualTo("LVef 'NaN' is not a finite number");
        CamusInfo empty = CamusInfo.read(cfg("b3e.cfg", "ED: 1\nES: 2\nNbFrame: 3\nEF: \n"));
        assertThat(empty.ef()).isEmpty();
        assertThat(empty.efProblem()).isEqualTo("EF '' is not a finite number");
        assertThatThrownBy(() -> CamusInfo.read(cfg("b4.cfg", "ED: 1\nES: 2\nNbFrame: 3\nFrameRate: -5\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("FrameRate '-5'", "1 to 1000");
        assertThatThrownBy(() -> CamusInfo.read(cfg("b4s.cfg", "ED: 1\nES: 2\nNbFrame: 3\nFrameRate: 0.001\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("FrameRate '0.001'", "1 to 1000");
        CamusInfo negative = CamusInfo.read(cfg("b3n.cfg", "ED: 1\nES: 2\nNbFrame: 3\nLVef: -1\n"));
        assertThat(negative.ef()).isEmpty();
        assertThat(negative.efProblem()).isEqualTo("LVef '-1' is not a percentage from 0 to 100");
        assertThatThrownBy(() -> CamusInfo.read(cfg("b5.cfg", "ED: 0\nES: 2\nNbFrame: 3\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("ED '0'", ">= 1");
        assertThatThrownBy(() -> CamusInfo.read(cfg("b6.cfg", "ED: 1\nES: 4\nNbFrame: 3\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("ES '4'", "NbFrame 3");
        // keys no target is made from are text, unchecked: an odd value there costs nothing
        CamusInfo odd = CamusInfo.read(cfg("b7.cfg", "ED: 1\nES: 2\nNbFrame: 3\nAge: old\nLVesv: \n"));
        assertThat(odd.get("Age")).isEqualTo("old");
        assertThat(odd.ef()).isEmpty();
        assertThat(odd.efProblem()).isNull();
    }

    @Test
    void malformedFiles() throws IOException {
        assertThatThrownBy(() -> CamusInfo.read(cfg("m1.cfg", "ES: 2\nNbFrame: 3\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("m1.cfg", "has no ED");
        assertThatThrownBy(() -> CamusInfo.read(cfg("m2.cfg", "ED: 1\nES 2\nNbFrame: 3\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("line 2", "Key: value");
        assertThatThrownBy(() -> CamusInfo.read(cfg("m3.cfg", "ED: 1\nED: 2\nES: 2\nNbFrame: 3\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("ED appears twice");
        assertThatThrownBy(() -> CamusInfo.read(dir.resolve("missing.cfg")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("missing.cfg", "not found");
        Path big = Files.write(dir.resolve("big.cfg"), new byte[CamusInfo.MAX_BYTES + 1]);
        assertThatThrownBy(() -> CamusInfo.read(big))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void everyLimitItselfIsAccepted() throws IOException {
        CamusInfo high =
                CamusInfo.read(cfg("hi.cfg", "ED: 1\nES: 10000\nNbFrame: 10000\nLVef: 100\nFrameRate: 1000\n"));
        assertThat(high.nbFrame()).isEqualTo(10_000);
        assertThat(high.ef()).hasValue(100.0);
        assertThat(high.efProblem()).isNull();
        assertThat(high.frameRate()).hasValue(1000.0);
        CamusInfo low = CamusInfo.read(cfg("lo.cfg", "ED: 1\nES: 2\nNbFrame: 2\nEF: 0\nFrameRate: 1\n"));
        assertThat(low.ef()).hasValue(0.0);
        assertThat(low.frameRate()).hasValue(1.0);
        // a file of exactly the size limit is read (blank lines are skipped)
        byte[] exact = new byte[CamusInfo.MAX_BYTES];
        Arrays.fill(exact, (byte) '\n');
        byte[] head = "ED: 1\nES: 2\nNbFrame: 3\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, exact, 0, head.length);
        assertThat(CamusInfo.read(Files.write(dir.resolve("exact.cfg"), exact)).nbFrame())
                .isEqualTo(3);
    }

    @Test
    void aLineWithoutAKeyOrARepeatedKeyIsNamedByItsLineNumber() throws IOException {
        assertThatThrownBy(() -> CamusInfo.read(cfg("k1.cfg", "ED: 1\n: 5\nES: 2\nNbFrame: 3\n")))
                .hasMessageEndingWith("k1.cfg: line 2 is not 'Key: value': ': 5'");
        assertThatThrownBy(() -> CamusInfo.read(cfg("k2.cfg", "ED: 1\nES: 2\nED: 2\nNbFrame: 3\n")))
                .hasMessageEndingWith("k2.cfg: key ED appears twice (line 3)");
    }

    @Test
    void aBadLineIsQuotedWholeUpToSixtyCharactersAndCutAfterFiftySeven() throws IOException {
        String sixty = "x".repeat(60);
        assertThatThrownBy(() -> CamusInfo.read(cfg("a1.cfg", sixty + "\n")))
                .hasMessageEndingWith("line 1 is not 'Key: value': '" + sixty + "'");
        assertThatThrownBy(() -> CamusInfo.read(cfg("a2.cfg", sixty + "y\n")))
                .hasMessageEndingWith("line 1 is not 'Key: value': '" + "x".repeat(57) + "...'");
    }
}
