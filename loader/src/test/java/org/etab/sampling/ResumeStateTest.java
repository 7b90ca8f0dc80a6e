package org.etab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state file is a small regular file; anything else is one line naming the file, never a hang or an OOM. */
class ResumeStateTest {

    @Test
    void aWrittenStateReadsBackAlsoThroughALink(@TempDir Path dir) throws Exception {
        ResumeState state = new ResumeState(5, 1, 7, 0, 2);
        Path file = dir.resolve("run.state");
        state.write(file);
        assertThat(ResumeState.read(file)).isEqualTo(state);
        Path link = Files.createSymbolicLink(dir.resolve("link.state"), file);
        assertThat(ResumeState.read(link)).isEqualTo(state);
    }

    @Test
    void aStateThatCannotBeWrittenLeavesNoTemporaryFileBehind(@TempDir Path dir) throws Exception {
        // the state's name taken by a folder that is not empty: the temporary file is written, its move fails (as a
        // write to a full disk fails), and each such save left one more randomly named .tmp file in the folder
        Path file = Files.createDirectories(dir.resolve("run.state"));
        Files.writeString(file.resolve("keep"), "a user's file");
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> new ResumeState(5, 1, 7, 0, 2).write(file))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageStartingWith(file + ": cannot write the resume state: ");
        }
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(file);
        }
        assertThat(Files.readString(file.resolve("keep"))).isEqualTo("a user's file");
    }

    @Test
    void aDeviceAFifoOrADirectoryIsRefusedUnread(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ResumeState.read(Path.of("/dev/zero")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("/dev/zero: not a regular file (a directory, FIFO or device): refused unread as a resume"
                        + " state");
        Path fifo = dir.resolve("fifo.state");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        // opening a FIFO with no writer blocks for good: read it on another thread, so a regression fails here
        CompletableFuture<ResumeState> read = CompletableFuture.supplyAsync(() -> ResumeState.read(fifo));
        assertThatThrownBy(() -> read.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .cause()
                .hasMessage(fifo + ": not a regular file (a directory, FIFO or device): refused unread as a resume"
                        + " state");
        assertThatThrownBy(() -> ResumeState.read(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(dir + ": not a regular file");
    }

    @Test
    void aFileOverTheCapIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.state");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(1L << 30); // sparse: 1 GiB that Files.readString would have tried to hold
        }
        assertThatThrownBy(() -> ResumeState.read(big))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(big + ": is " + (1L << 30) + " bytes, more than the " + ResumeState.MAX_BYTES
                        + " a resume state may have");
        Path justOver = Files.write(dir.resolve("over.state"), new byte[ResumeState.MAX_BYTES + 1]);
        assertThatThrownBy(() -> ResumeState.read(justOver))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is " + (ResumeState.MAX_BYTES + 1) + " bytes, more than the");
        // at the cap it is read, and judged by its content
        String padded = "{\"seed\":5,\"epoch\":0,\"position\":4,\"rank\":0,\"world\":1}";
        Path atCap = Files.writeString(
                dir.resolve("cap.state"), padded + " ".repeat(ResumeState.MAX_BYTES - padded.length()));
        assertThat(ResumeState.read(atCap)).isEqualTo(new ResumeState(5, 0, 4, 0, 1));
    }

    @Test
    void contentThatIsNotAStateNamesTheFile(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.state"), "{\"seed\":5}");
        assertThatThrownBy(() -> ResumeState.read(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(bad + ": not a resume state: ");
    }

    @Test
    void theOrderFingerprintIsSavedAndAnOlderStateWithoutOneStillReads(@TempDir Path dir) throws Exception {
        ResumeState state = new ResumeState(5, 1, 7, 0, 2)
                .at(1, 9)
                .withOrder(1234567890123L)
                .withConsumed(31);
        Path file = dir.resolve("run.state");
        state.write(file);
        assertThat(Files.readString(file)).contains("\"order\":1234567890123").contains("\"consumed\":31");
        assertThat(ResumeState.read(file)).isEqualTo(state);
        Path older = Files.writeString(
                dir.resolve("older.state"), "{\"seed\":5,\"epoch\":1,\"position\":7,\"rank\":0,\"world\":2}");
        assertThat(ResumeState.read(older))
                .isEqualTo(new ResumeState(5, 1, 7, 0, 2, ResumeState.NO_ORDER, ResumeState.NOT_COUNTED));
        Path nullOrder = Files.writeString(
                dir.resolve("null.state"),
                "{\"seed\":5,\"epoch\":1,\"position\":7,\"rank\":0,\"world\":2,\"order\":null}");
        assertThatThrownBy(() -> ResumeState.read(nullOrder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(nullOrder + ": not a resume state");
        Path negative = Files.writeString(
                dir.resolve("negative.state"),
                "{\"seed\":5,\"epoch\":1,\"position\":7,\"rank\":0,\"world\":2,\"consumed\":-2}");
        assertThatThrownBy(() -> ResumeState.read(negative)).isInstanceOf(IllegalArgumentException.class);
        Path empty = Files.writeString(dir.resolve("empty.state"), "");
        assertThatThrownBy(() -> ResumeState.read(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(empty + ": not a resume state");
        Path array = Files.writeString(dir.resolve("array.state"), "[1, 2]");
        assertThatThrownBy(() -> ResumeState.read(array))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(array + ": not a resume state: not a JSON object");
    }

    @Test
    void anotherOrderOfTheEpochIsRefusedAndAnUnknownOneIsNot() {
        ResumeState state = new ResumeState(5, 1, 7, 0, 2, 42, ResumeState.NOT_COUNTED);
        state.requireSameOrder(42);
        state.requireSameOrder(0);
        new ResumeState(5, 1, 7, 0, 2).requireSameOrder(43);
        assertThatThrownBy(() -> state.requireSameOrder(43))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another order of epoch 1")
                .hasMessageContaining("position 7");
    }

    @Test
    void aCheckpointInAnotherEpochDropsTheOldEpochsFingerprintAndCount() {
        ResumeState epoch1 = new ResumeState(5, 1, 7, 0, 2).withOrder(42).withConsumed(9);
        assertThat(epoch1.at(1, 9).order()).isEqualTo(42);
        assertThat(epoch1.at(2, 3).order()).isEqualTo(ResumeState.NO_ORDER);
        assertThat(epoch1.at(1, 9).consumed()).isEqualTo(ResumeState.NOT_COUNTED);
        assertThatThrownBy(() -> epoch1.withConsumed(-2)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The lowest values each field takes are accepted, one below each is refused. */
    @Test
    void theFieldBoundsAreInclusive() {
        ResumeState lowest = new ResumeState(5, 0, 0, 0, 1, ResumeState.NO_ORDER, ResumeState.NOT_COUNTED);
        assertThat(lowest.epoch()).isZero();
        assertThat(lowest.position()).isZero();
        assertThat(lowest.consumed()).isEqualTo(-1);
        assertThatThrownBy(() -> new ResumeState(5, -1, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResumeState(5, 0, -1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResumeState(5, 0, 0, 0, 1, ResumeState.NO_ORDER, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epoch and position must be >= 0, consumed >= -1, but were 0, 0, -2");
    }

    @Test
    void aRunWithAnotherSeedRankOrWorldMayNotResume() {
        ResumeState state = new ResumeState(5, 1, 7, 0, 2);
        state.requireCompatible(5, 0, 2);
        assertThatThrownBy(() -> state.requireCompatible(6, 0, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the resume state was saved with seed=5 rank=0 world=2 but this run has seed=6 rank=0"
                        + " world=2: the order would differ");
        assertThatThrownBy(() -> state.requireCompatible(5, 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> state.requireCompatible(5, 0, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
