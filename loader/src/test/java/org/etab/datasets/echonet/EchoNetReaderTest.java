package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.etab.decode.DatasetException;
import org.etab.source.IndexProblem;
import org.etab.source.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EchoNetReaderTest {
    static final String LIST_HEADER = "FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split";
    static final String TRACING_HEADER = "FileName,X1,Y1,X2,Y2,Frame";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------- fixtures

    static String listRow(String name, String split) {
        return name + ",55.5,30.25,70.5,112,112,50,120," + split;
    }

    /** Tracing rows whose coordinates say where they came from: X1 = row index, Y1 = frame, X2 = X1 + 10. */
    static List<String> traced(String file, int frame, int rows) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            out.add(tracingRow(file, frame, i));
        }
        return out;
    }

    static String tracingRow(String file, int frame, int i) {
        return file + "," + i + "," + frame + "," + (i + 10) + "," + frame + "," + frame;
    }

    static void write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static List<String> lines(String header, String... rows) {
        List<String> out = new ArrayList<>();
        out.add(header);
        out.addAll(List.of(rows));
        return out;
    }

    /** A FileList of the given rows, and two well-formed traced frames (10 then 40) for each of names. */
    void dataset(Path where, List<String> listRows, String... tracedNames) throws IOException {
        List<String> list = new ArrayList<>();
        list.add(LIST_HEADER);
        list.addAll(listRows);
        write(where.resolve("FileList.csv"), list);
        List<String> tr = new ArrayList<>();
        tr.add(TRACING_HEADER);
        for (String name : tracedNames) {
            tr.addAll(traced(name, 10, 3));
            tr.addAll(traced(name, 40, 3));
        }
        write(where.resolve("VolumeTracings.csv"), tr);
    }

    static List<String> ids(List<EchoNetRecord> records) {
        return records.stream().map(EchoNetRecord::id).toList();
    }

    static IndexProblem problemFor(EchoNetIndex index, String id) {
        return index.problems().stream()
                .filter(p -> p.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no problem reported for " + id + ": " + index.problems()));
    }

    // ---------------------------------------------------------------------------------------- layout

    @Test
    void anInterruptedReadSaysSoRatherThanBlamingTheFile() throws IOException {
        dataset(dir, List.of("0X1A,61.5,23.5,61.0,112,112,50,174,TRAIN"), "0X1A.avi");
        Thread.currentThread().interrupt(); // an interrupted file channel closes itself on its next read
        try {
            assertThatThrownBy(() -> EchoNetReader.read(dir))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("FileList.csv")
                    .hasMessageContaining(
                            "cannot be read: the reading thread was interrupted (ClosedByInterruptException)");
        } finally {
            Thread.interrupted(); // the test's thread goes on without it
        }
        assertThat(EchoNetReader.read(dir).records()).hasSize(1); // the file itself was fine
    }

    @Test
    void readsTheRootLayoutWithEveryField() throws IOException {
        dataset(dir, List.of("0X1A,61.5,23.5,61.0,112,112,50,174,TRAIN"), "0X1A.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.root()).isEqualTo(dir);
        assertThat(index.problems()).isEmpty();
        assertThat(index.records()).hasSize(1);
        EchoNetRecord r = index.records().get(0);
        assertThat(r.id()).isEqualTo("0X1A");
        assertThat(r.video()).isEqualTo(dir.resolve("Videos").resolve("0X1A.avi"));
        assertThat(r.ef()).isEqualTo(61.5f);
        assertThat(r.esv()).isEqualTo(23.5f);
        assertThat(r.edv()).isEqualTo(61.0f);
        assertThat(r.frameHeight()).isEqualTo(112);
        assertThat(r.frameWidth()).isEqualTo(112);
        assertThat(r.fps()).isEqualTo(50.0);
        assertThat(r.frames()).isEqualTo(174);
        assertThat(r.split()).isEqualTo(Split.TRAIN);
        assertThat(r.es().frame()).isEqualTo(10);
        assertThat(r.ed().frame()).isEqualTo(40);
        assertThat(r.es().rows()).isEqualTo(3);
        assertThat(r.es().x1()).containsExactly(0f, 1f, 2f);
        assertThat(r.es().y1()).containsExactly(10f, 10f, 10f);
        assertThat(r.es().x2()).containsExactly(10f, 11f, 12f);
        assertThat(r.ed().y2()).containsExactly(40f, 40f, 40f);
    }

    @Test
    void readsTheEtabDataLayout() throws IOException {
        Path data = dir.resolve("data");
        dataset(data, List.of(listRow("0X1A", "TRAIN")), "0X1A.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.root()).isEqualTo(data);
        assertThat(ids(index.records())).containsExactly("0X1A");
        assertThat(index.records().get(0).video())
                .isEqualTo(data.resolve("Videos").resolve("0X1A.avi"));
    }

    @Test
    void indexFilesLargerThanTheirBoundAreRefusedUnread() throws IOException {
        dataset(dir, List.of(listRow("0X1A", "TRAIN")), "0X1A.avi");
        Path tracings = dir.resolve("VolumeTracings.csv");
        grow(tracings, EchoNetReader.MAX_TRACINGS_BYTES + 1); // sparse: nothing of it is ever read
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessage(tracings + ": is 134217729 bytes, more than the 134217728 an index file of its kind may"
                        + " have");
        Files.delete(tracings);
        dataset(dir, List.of(listRow("0X1A", "TRAIN")), "0X1A.avi");
        assertThat(ids(EchoNetReader.read(dir).records())).containsExactly("0X1A");

        Path list = dir.resolve("FileList.csv");
        grow(list, EchoNetReader.MAX_FILE_LIST_BYTES + 1);
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessage(list + ": is 16777217 bytes, more than the 16777216 an index file of its kind may have");
    }

    private static void grow(Path file, long size) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    @Test
    void readsTheFolderTheArchiveUnpacksInto() throws IOException {
        Path unpacked = dir.resolve("EchoNet-Dynamic");
        dataset(unpacked, List.of(listRow("0X1B", "TRAIN")), "0X1B.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.root()).isEqualTo(unpacked);
        assertThat(ids(index.records())).containsExactly("0X1B");
    }

    @Test
    void aRootWithoutFileListNamesEveryPlaceLooked() throws IOException {
        Files.createDirectories(dir.resolve("Videos"));

        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.resolve("FileList.csv").toString())
                .hasMessageContaining(
                        dir.resolve("data").resolve("FileList.csv").toString())
                .hasMessageContaining(
                        dir.resolve("EchoNet-Dynamic").resolve("FileList.csv").toString());
    }

    @Test
    void prefersTheRootWhenBothLayoutsExist() throws IOException {
        dataset(dir, List.of(listRow("ROOT", "TRAIN")), "ROOT.avi");
        dataset(dir.resolve("data"), List.of(listRow("DATA", "TRAIN")), "DATA.avi");

        assertThat(ids(EchoNetReader.read(dir).records())).containsExactly("ROOT");
    }

    @Test
    void acceptsNamesWithAndWithoutAviInBothFiles() throws IOException {
        write(
                dir.resolve("FileList.csv"),
                lines(
                        LIST_HEADER,
                        listRow("PLAIN", "TRAIN"),
                        listRow("WITH.avi", "TRAIN"),
                        listRow("BARE", "TRAIN"),
                        listRow("UPPER", "TRAIN"),
                        listRow("SHOUT.AVI", "TRAIN")));
        List<String> tr = new ArrayList<>(List.of(TRACING_HEADER));
        tr.addAll(traced("SHOUT.avi", 1, 2)); // FileList's X.AVI is the video X too
        tr.addAll(traced("SHOUT", 2, 2));
        tr.addAll(traced("UPPER.AVI", 1, 2)); // the extension in any case names the row
        tr.addAll(traced("UPPER.Avi", 2, 2));
        tr.addAll(traced("PLAIN.avi", 1, 2));
        tr.addAll(traced("PLAIN.avi", 2, 2));
        tr.addAll(traced("WITH.avi", 1, 2));
        tr.addAll(traced("WITH.avi", 2, 2));
        tr.addAll(traced("BARE", 1, 2)); // a tracing name without the extension matches too
        tr.addAll(traced("BARE", 2, 2));
        write(dir.resolve("VolumeTracings.csv"), tr);

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        assertThat(ids(index.records())).containsExactly("PLAIN", "WITH", "BARE", "UPPER", "SHOUT");
        assertThat(index.records()) // the name as FileList gives it, its extension's case included
                .extracting(r -> r.video().getFileName().toString())
                .containsExactly("PLAIN.avi", "WITH.avi", "BARE.avi", "UPPER.avi", "SHOUT.AVI");
    }

    @Test
    void readsFileNamesLongerThanTheTracingReadersNameBuffer() throws IOException {
        String longName = "0X" + "A".repeat(198); // the reader keeps a name in 64 chars until one is longer
        fileList(List.of(listRow("SHORT", "TRAIN"), listRow(longName, "TRAIN")));
        List<String> tr = new ArrayList<>(List.of(TRACING_HEADER));
        tr.addAll(traced("SHORT.avi", 1, 2));
        tr.addAll(traced(longName + ".avi", 1, 2));
        tr.addAll(traced(longName + ".avi", 2, 3));
        tr.addAll(traced("SHORT.avi", 2, 2));
        write(dir.resolve("VolumeTracings.csv"), tr);

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        assertThat(ids(index.records())).containsExactly("SHORT", longName);
        assertThat(index.records().get(1).ed().rows()).isEqualTo(3);
    }

    @Test
    void readsATracedFrameOfMoreRowsThanARealOne() throws IOException {
        fileList(List.of(listRow("A", "TRAIN")));
        List<String> tr = new ArrayList<>(List.of(TRACING_HEADER));
        tr.addAll(traced("A.avi", 1, 2));
        tr.addAll(traced("A.avi", 2, 60)); // a real frame has 21 rows
        write(dir.resolve("VolumeTracings.csv"), tr);

        EchoNetRecord r = EchoNetReader.read(dir).records().get(0);

        assertThat(r.ed().rows()).isEqualTo(60);
        assertThat(r.ed().x1()[59]).isEqualTo(59f); // X1 is the row's index in the group
        assertThat(r.ed().x2()[59]).isEqualTo(69f);
    }

    @Test
    void findsColumnsByNameInAnyOrderAndIgnoresExtraOnes() throws IOException {
        write(
                dir.resolve("FileList.csv"),
                List.of(
                        "Split,Notes,NumberOfFrames,FPS,FrameWidth,FrameHeight,EDV,ESV,EF,FileName",
                        "test,anything,201,29.97,100,90,70.5,30.25,55.5,0XAB"));
        write(
                dir.resolve("VolumeTracings.csv"),
                List.of(
                        "Frame,Extra,Y2,X2,Y1,X1,FileName,Notes",
                        "5,z,4,3,2,1,0XAB.avi,n",
                        "5,z,8,7,6,5,0XAB.avi,n",
                        "9,z,4,3,2,1,0XAB.avi,n",
                        "9,z,8,7,6,5,0XAB.avi,n"));

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        EchoNetRecord r = index.records().get(0);
        assertThat(r.split()).isEqualTo(Split.TEST);
        assertThat(r.frames()).isEqualTo(201);
        assertThat(r.fps()).isEqualTo(29.97);
        assertThat(r.frameWidth()).isEqualTo(100);
        assertThat(r.frameHeight()).isEqualTo(90);
        assertThat(r.ef()).isEqualTo(55.5f);
        assertThat(r.es().frame()).isEqualTo(5);
        assertThat(r.es().x1()).containsExactly(1f, 5f);
        assertThat(r.es().y1()).containsExactly(2f, 6f);
        assertThat(r.es().x2()).containsExactly(3f, 7f);
        assertThat(r.es().y2()).containsExactly(4f, 8f);
    }

    @Test
    void readsFpsWrittenAsIntegerOrFloatAndFrameCountsWrittenAsFloats() throws IOException {
        dataset(
                dir,
                List.of(
                        "A,50,1,2,112,112,50,120,TRAIN",
                        "B,50,1,2,112,112,30.0,120.0,TRAIN",
                        "C,50,1,2,112,112,29.97,99,TRAIN"),
                "A.avi",
                "B.avi",
                "C.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        assertThat(index.records()).extracting(EchoNetRecord::fps).containsExactly(50.0, 30.0, 29.97);
        assertThat(index.records()).extracting(EchoNetRecord::frames).containsExactly(120, 120, 99);
    }

    @Test
    void toleratesAByteOrderMarkAndBlankLines() throws IOException {
        Files.writeString(
                dir.resolve("FileList.csv"),
                "\uFEFF" + LIST_HEADER + "\n\n" + listRow("A", "TRAIN") + "\n\n" + "A,x,1,2,112,112,50,120,TRAIN\n",
                StandardCharsets.UTF_8);
        List<String> tr = new ArrayList<>(List.of(TRACING_HEADER));
        tr.addAll(traced("A.avi", 1, 2));
        tr.add("");
        tr.addAll(traced("A.avi", 2, 2));
        write(dir.resolve("VolumeTracings.csv"), tr);

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("A");
        // line numbers are physical lines, blank ones included: the duplicate is on line 5
        assertThat(index.problems()).singleElement().satisfies(p -> {
            assertThat(p.reason())
                    .startsWith("line 5: ")
                    .contains("duplicate FileName")
                    .contains("line 3");
        });
    }

    // ---------------------------------------------------------------------------------------- splits

    @Test
    void comparesSplitsCaseInsensitivelyAndSelectsThem() throws IOException {
        dataset(
                dir,
                List.of(
                        listRow("A", "TRAIN"),
                        listRow("B", "val"),
                        listRow("C", "Test"),
                        listRow("D", "tRaIn"),
                        listRow("E", " VAL ")),
                "A.avi",
                "B.avi",
                "C.avi",
                "D.avi",
                "E.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        assertThat(ids(index.select("train"))).containsExactly("A", "D");
        assertThat(ids(index.select("TRAIN"))).containsExactly("A", "D");
        assertThat(ids(index.select("Val"))).containsExactly("B", "E");
        assertThat(ids(index.select("test"))).containsExactly("C");
        assertThat(ids(index.select("ALL"))).containsExactly("A", "B", "C", "D", "E");
        assertThatThrownBy(() -> index.select("holdout"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'holdout'")
                .hasMessageContaining("train, val, test, all");
    }

    // ---------------------------------------------------------------------------------------- tracings

    @Test
    void groupsNonContiguousRowsInOrderOfFirstAppearanceAndTakesFirstAsEsLastAsEd() throws IOException {
        fileList(List.of(listRow("A", "TRAIN"), listRow("B", "TRAIN"), listRow("C", "TRAIN")));
        write(
                dir.resolve("VolumeTracings.csv"),
                lines(
                        TRACING_HEADER,
                        tracingRow("A.avi", 80, 0), // A's first traced frame is 80, though larger than the next
                        tracingRow("A.avi", 12, 0),
                        tracingRow("B.avi", 3, 0),
                        tracingRow("A.avi", 80, 1), // back to A/80 after other groups
                        tracingRow("B.avi", 3, 1),
                        tracingRow("A.avi", 12, 1),
                        tracingRow("B.avi", 7, 0),
                        tracingRow("A.avi", 80, 2),
                        tracingRow("B.avi", 7, 1),
                        tracingRow("C.avi", 1, 0),
                        tracingRow("C.avi", 1, 1),
                        tracingRow("C.avi", 2, 0),
                        tracingRow("C.avi", 2, 1),
                        tracingRow("C.avi", 3, 0),
                        tracingRow("C.avi", 3, 1))); // three frames: ES=first, ED=last

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        EchoNetRecord a = index.records().get(0);
        assertThat(a.es().frame()).isEqualTo(80);
        assertThat(a.es().x1()).containsExactly(0f, 1f, 2f); // rows kept in file order across the gaps
        assertThat(a.ed().frame()).isEqualTo(12);
        assertThat(a.ed().x1()).containsExactly(0f, 1f);
        EchoNetRecord b = index.records().get(1);
        assertThat(b.es().frame()).isEqualTo(3);
        assertThat(b.ed().frame()).isEqualTo(7);
        EchoNetRecord c = index.records().get(2);
        assertThat(c.es().frame()).isEqualTo(1);
        assertThat(c.ed().frame()).isEqualTo(3);
    }

    @Test
    void aVideoTracedOnManyFramesKeepsTheFirstAsEsAndTheLastAsEd() throws IOException {
        // a crafted file may name a new frame on every row; each frame's rows are still found (in linear time)
        fileList(List.of(listRow("A", "TRAIN")));
        List<String> rows = new ArrayList<>();
        rows.add(TRACING_HEADER);
        int frames = 50_000;
        for (int f = 0; f < frames; f++) {
            rows.add(tracingRow("A.avi", f, 0));
        }
        for (int f = frames - 1; f >= 0; f--) {
            rows.add(tracingRow("A.avi", f, 1)); // each frame's second row, far from its first
        }
        write(dir.resolve("VolumeTracings.csv"), rows);

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        EchoNetRecord a = index.records().get(0);
        assertThat(a.es().frame()).isZero();
        assertThat(a.es().x1()).containsExactly(0f, 1f);
        assertThat(a.ed().frame()).isEqualTo(frames - 1);
        assertThat(a.ed().x1()).containsExactly(0f, 1f);
    }

    @Test
    void framesBetweenTheFirstAndTheLastCostNoMemoryPerRowAndNeverBecomeTheLast() throws IOException {
        // a crafted file naming a new frame on every row (~20 bytes each): each frame kept a group of four 24-float
        // arrays, a boxed key and a map node, ~570 bytes of heap a row (a 155 MB file took 2.8 GB of RSS)
        fileList(List.of(listRow("A", "TRAIN"), listRow("B", "TRAIN")));
        int frames = 1_000_000;
        StringBuilder text = new StringBuilder(TRACING_HEADER).append('\n');
        for (int f = 0; f < frames; f++) {
            text.append("A.avi,1,2,3,4,").append(f).append('\n');
        }
        text.append("A.avi,9,9,9,9,0\n"); // the first frame again: ES gets the row
        text.append("A.avi,8,8,8,8,").append(frames / 2).append('\n'); // a frame between: not a new last
        for (String row : List.of("B.avi,0,0,0,0,5", "B.avi,1,1,1,1,6", "B.avi,2,2,2,2,7", "B.avi,3,3,3,3,6")) {
            text.append(row).append('\n'); // B: 5, 6, 7, then 6 again, which stays between 5 and 7
        }
        Files.writeString(dir.resolve("VolumeTracings.csv"), text);

        // what lives while the file is read ends up in the old generation (it outlives young collections); the index
        // returned keeps only two tracings a video either way, so the peak is what tells
        List<MemoryPoolMXBean> tenured = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isUsageThresholdSupported())
                .toList();
        System.gc();
        tenured.forEach(MemoryPoolMXBean::resetPeakUsage);
        long before = tenured.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        EchoNetIndex index = EchoNetReader.read(dir);
        long peak = tenured.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() - before;

        assertThat(index.problems()).isEmpty();
        EchoNetRecord a = index.records().get(0);
        assertThat(a.es().frame()).isZero();
        assertThat(a.es().x1()).containsExactly(1f, 9f);
        assertThat(a.ed().frame()).isEqualTo(frames - 1);
        assertThat(a.ed().x1()).containsExactly(1f);
        EchoNetRecord b = index.records().get(1);
        assertThat(b.es().frame()).isEqualTo(5);
        assertThat(b.ed().frame()).isEqualTo(7);
        assertThat(b.ed().x1()).containsExactly(2f);
        // ~8 bytes a frame (the set of frames seen, at most half full); it was ~570 MB
        assertThat(tenured).isNotEmpty();
        assertThat(peak).as("old generation's peak while reading").isLessThan(128L << 20);
    }

    @Test
    void aFieldOverTheReadersBoundFailsTheFileSayingWhy() throws IOException {
        // a FileList this large is refused by its size (above); VolumeTracings may be larger than one field
        fileList(List.of(listRow("A", "TRAIN")));
        List<String> tracings = new ArrayList<>(lines(TRACING_HEADER, tracingRow("A.avi", 10, 0)));
        tracings.add("B".repeat(17 << 20) + ".avi,1,1,1,1,10");
        write(dir.resolve("VolumeTracings.csv"), tracings);

        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(dir.resolve("VolumeTracings.csv") + ": cannot be read: ")
                .hasMessageContaining("line 3")
                .hasMessageContaining("maximum buffer size of 16777216");
    }

    @Test
    void aRowWhoseQuoteIsNeverClosedSaysItTookTheRowsAfterIt() throws IOException {
        dataset(
                dir,
                List.of(
                        listRow("A", "TRAIN"),
                        "\"" + listRow("B", "TRAIN"),
                        listRow("C", "TRAIN"),
                        listRow("D", "TRAIN")),
                "A.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("A");
        // B's opening quote runs to the end of the file: one row of one field, three lines long
        assertThat(index.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.reason())
                        .isEqualTo(
                                "line 3: expected 9 fields but found 1 (field 1 is quoted over 3 lines: an unterminated "
                                        + "quote takes the rows after it)"));
    }

    private void fileList(List<String> listRows) throws IOException {
        List<String> list = new ArrayList<>();
        list.add(LIST_HEADER);
        list.addAll(listRows);
        write(dir.resolve("FileList.csv"), list);
    }

    @Test
    void reportsVideosWithOneTracedFrameOrNone() throws IOException {
        fileList(List.of(listRow("GOOD", "TRAIN"), listRow("ONE", "TRAIN"), listRow("NONE", "TRAIN")));
        List<String> tr = new ArrayList<>(List.of(TRACING_HEADER));
        tr.addAll(traced("GOOD.avi", 1, 2));
        tr.addAll(traced("GOOD.avi", 2, 2));
        tr.addAll(traced("ONE.avi", 33, 4));
        write(dir.resolve("VolumeTracings.csv"), tr);

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("GOOD");
        assertThat(index.problems()).hasSize(2);
        assertThat(problemFor(index, "ONE").reason())
                .contains("only one traced frame")
                .contains("frame 33")
                .contains("line 6");
        assertThat(problemFor(index, "ONE").file()).isEqualTo("VolumeTracings.csv");
        assertThat(problemFor(index, "NONE").reason()).contains("no traced frames");
    }

    @Test
    void reportsEveryMalformedTracingRowKindWithItsLine() throws IOException {
        String[] videos = {"COLS", "X1", "Y2NAN", "NEG", "FRAME", "INF", "EXTRA"};
        List<String> list = new ArrayList<>();
        for (String v : videos) {
            list.add(listRow(v, "TRAIN"));
        }
        list.add(listRow("OK", "TRAIN"));
        fileList(list);
        List<String> tr = new ArrayList<>(List.of(TRACING_HEADER));
        tr.addAll(traced("OK.avi", 1, 2)); // lines 2-3
        tr.addAll(traced("OK.avi", 2, 2)); // lines 4-5
        for (String v : videos) {
            tr.addAll(traced(v + ".avi", 1, 2));
            tr.addAll(traced(v + ".avi", 2, 2));
        }
        // rows 0-based in tr: header 0, OK 1-4, then each video 4 rows; corrupt the third row of each video
        tr.set(5 + 0 * 4 + 2, "COLS.avi,1,2,3,2"); // 5 fields instead of 6
        tr.set(5 + 1 * 4 + 2, "X1.avi,abc,2,3,4,2"); // non-numeric
        tr.set(5 + 2 * 4 + 2, "Y2NAN.avi,1,2,3,NaN,2"); // NaN
        tr.set(5 + 3 * 4 + 2, "NEG.avi,1,2,3,4,-1"); // negative frame
        tr.set(5 + 4 * 4 + 2, "FRAME.avi,1,2,3,4,2.5"); // non-integer frame
        tr.set(5 + 5 * 4 + 2, "INF.avi,1,Infinity,3,4,2"); // infinite
        tr.set(5 + 6 * 4 + 2, "EXTRA.avi,1,2,3,4,2,9"); // 7 fields instead of 6
        write(dir.resolve("VolumeTracings.csv"), tr);

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("OK");
        assertThat(index.problems()).hasSize(videos.length);
        assertThat(index.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo("VolumeTracings.csv"));
        // a file line is the 0-based list index + 1
        assertThat(problemFor(index, "COLS").reason()).startsWith("line 8: ").contains("expected 6 fields but found 5");
        assertThat(problemFor(index, "X1").reason()).startsWith("line 12: ").contains("X1 is not a number: 'abc'");
        assertThat(problemFor(index, "Y2NAN").reason())
                .startsWith("line 16: ")
                .contains("Y2")
                .contains("NaN");
        assertThat(problemFor(index, "NEG").reason()).startsWith("line 20: ").contains("Frame must be >= 0");
        assertThat(problemFor(index, "FRAME").reason()).startsWith("line 24: ").contains("Frame is not an integer");
        assertThat(problemFor(index, "INF").reason()).startsWith("line 28: ").contains("Y1 is not a finite number");
        assertThat(problemFor(index, "EXTRA").reason()).isEqualTo("line 32: expected 6 fields but found 7");
    }

    @Test
    void keepsAVideoWhoseTracedFrameHasOnlyItsLongAxis() throws IOException {
        fileList(List.of(listRow("SHORT", "TRAIN")));
        List<String> tr = new ArrayList<>(List.of(TRACING_HEADER));
        tr.addAll(traced("SHORT.avi", 1, 3));
        tr.addAll(traced("SHORT.avi", 2, 1)); // the reference keeps it: its mask is just empty
        write(dir.resolve("VolumeTracings.csv"), tr);

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        EchoNetRecord r = index.records().get(0);
        assertThat(r.es().rows()).isEqualTo(3);
        assertThat(r.ed().frame()).isEqualTo(2);
        assertThat(r.ed().rows()).isEqualTo(1);
    }

    @Test
    void reportsATracingRowTooShortToNameItsFile() throws IOException {
        fileList(List.of(listRow("A", "TRAIN"), listRow("B", "TRAIN")));
        write(
                dir.resolve("VolumeTracings.csv"),
                List.of(
                        "X1,Y1,X2,Y2,Frame,FileName",
                        "1,2,3,4,5,A.avi",
                        "1,2,3,4,5,A.avi",
                        "1,2", // line 4: no FileName field
                        "1,2,3,4,6,A.avi",
                        "1,2,3,4,6,A.avi",
                        "1,2,3,4,6", // line 7: every field but the FileName, the last
                        "1,2,3,4,5,B.avi",
                        "1,2,3,4,5,B.avi",
                        "1,2,3,4,6,B.avi",
                        "1,2,3,4,6,B.avi"));

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("A", "B");
        assertThat(index.records().get(0).ed().rows()).isEqualTo(2);
        assertThat(index.problems())
                .extracting(IndexProblem::id, IndexProblem::reason)
                .containsExactly(
                        tuple("", "line 4: expected 6 fields but found 2; the row names no file"),
                        tuple("", "line 7: expected 6 fields but found 5; the row names no file"));
    }

    @Test
    void reportsAFileListRowTooShortToNameItsFile() throws IOException {
        write(
                dir.resolve("FileList.csv"),
                List.of(
                        "Split,NumberOfFrames,FPS,FrameWidth,FrameHeight,EDV,ESV,EF,FileName",
                        "TRAIN,120,50,112,112,70.5,30.25,55.5", // line 2: every field but the FileName, the last
                        "TRAIN,120,50,112,112,70.5,30.25,55.5,A"));
        write(dir.resolve("VolumeTracings.csv"), lines(TRACING_HEADER, "A,1,2,3,4,5", "A,1,2,3,4,6"));

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("A");
        assertThat(index.problems()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEmpty();
            assertThat(p.reason()).isEqualTo("line 2: expected 9 fields but found 8");
        });
        assertThat(index.rejected("train")).containsExactlyElementsOf(index.problems());
    }

    @Test
    void readsQuotedFields() throws IOException {
        write(dir.resolve("FileList.csv"), lines(LIST_HEADER, "\"A\",\"55.5\",1,2,112,112,\"50\",120,\"TRAIN\""));
        write(
                dir.resolve("VolumeTracings.csv"),
                lines(
                        TRACING_HEADER,
                        "\"A.avi\",\"1.5\",2,3,4,\"5\"",
                        "\"A.avi\",1,2,3,4,5",
                        "A.avi,1,2,3,4,9",
                        "A.avi,1,2,3,4,9"));

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.problems()).isEmpty();
        assertThat(index.records().get(0).es().x1()).containsExactly(1.5f, 1f);
        assertThat(index.records().get(0).ef()).isEqualTo(55.5f);
    }

    @Test
    void countsTracingRowsOfUnlistedFilesInOneProblem() throws IOException {
        fileList(List.of(listRow("A", "TRAIN")));
        List<String> tr = new ArrayList<>(List.of(TRACING_HEADER));
        tr.addAll(traced("A.avi", 1, 2));
        tr.addAll(traced("GHOST.avi", 1, 3)); // lines 4-6
        tr.addAll(traced("A.avi", 2, 2));
        tr.addAll(traced("OTHER.avi", 5, 2));
        tr.add("X.avi,1,2"); // malformed and unlisted: counted, not reported alone
        tr.add(",1,2,3,4,5"); // an empty FileName names no listed file either
        write(dir.resolve("VolumeTracings.csv"), tr);

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("A");
        assertThat(index.problems()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEmpty();
            assertThat(p.file()).isEqualTo("VolumeTracings.csv");
            assertThat(p.reason())
                    .isEqualTo("ignored 7 rows of 4 file(s) not listed in FileList.csv (first at line 4)");
        });
    }

    @Test
    void doesNotReportTracingsOfFileListRowsThatWereAlreadyDropped() throws IOException {
        dataset(dir, List.of(listRow("A", "TRAIN"), "B,oops,1,2,112,112,50,120,TRAIN"), "A.avi", "B.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("A");
        assertThat(index.problems()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("B");
            assertThat(p.file()).isEqualTo("FileList.csv");
        });
    }

    // ---------------------------------------------------------------------------------------- FileList rows

    @Test
    void reportsEveryMalformedFileListRowKindWithItsLine() throws IOException {
        dataset(
                dir,
                List.of(
                        "COLS,55,1,2,112,112,50,120", // line 2: 8 fields
                        "EF,abc,1,2,112,112,50,120,TRAIN", // line 3
                        "ESV,55,,2,112,112,50,120,TRAIN", // line 4: no target reads ESV or EDV: kept
                        "EDV,55,1,-Infinity,112,112,50,120,TRAIN", // line 5
                        "FPS,55,1,2,112,112,fast,120,TRAIN", // line 6
                        "FPSNAN,55,1,2,112,112,NaN,120,TRAIN", // line 7
                        "FRAMES,55,1,2,112,112,50,12.5,TRAIN", // line 8
                        "SPLIT,55,1,2,112,112,50,120,holdout", // line 9
                        "BIG,1e39,1,2,112,112,50,120,TRAIN", // line 10: overflows a float
                        "EMPTY,,1,2,112,112,50,120,TRAIN", // line 11
                        "OK,55,1,2,112,112,50,120,TRAIN"),
                "COLS.avi",
                "EF.avi",
                "ESV.avi",
                "EDV.avi",
                "FPS.avi",
                "FPSNAN.avi",
                "FRAMES.avi",
                "SPLIT.avi",
                "BIG.avi",
                "EMPTY.avi",
                "OK.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("ESV", "EDV", "OK");
        assertThat(index.records().get(0).esv()).isNaN();
        assertThat(index.records().get(0).edv()).isEqualTo(2f);
        assertThat(index.records().get(1).edv()).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(index.problems()).hasSize(8);
        assertThat(index.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo("FileList.csv"));
        assertThat(problemFor(index, "COLS").reason()).isEqualTo("line 2: expected 9 fields but found 8");
        assertThat(problemFor(index, "EF").reason()).isEqualTo("line 3: EF is not a number: 'abc'");
        assertThat(problemFor(index, "FPS").reason()).isEqualTo("line 6: FPS is not a number: 'fast'");
        assertThat(problemFor(index, "FPSNAN").reason()).startsWith("line 7: FPS must be 1 to 1000 but was 'NaN'");
        assertThat(problemFor(index, "FRAMES").reason()).isEqualTo("line 8: NumberOfFrames is not an integer: '12.5'");
        assertThat(problemFor(index, "SPLIT").reason())
                .startsWith("line 9: Split must be TRAIN, VAL or TEST")
                .contains("'holdout'");
        assertThat(problemFor(index, "BIG").reason()).isEqualTo("line 10: EF must be 0 to 100 but was '1e39'");
        assertThat(problemFor(index, "EMPTY").reason()).isEqualTo("line 11: EF is not a number: ''");
    }

    /** Counts and rates that planning or the native frame size would allocate by are bounded by the index. */
    @Test
    void rejectsFrameCountsRatesAndSizesBeyondTheLimitsNamingFieldAndValue() throws IOException {
        dataset(
                dir,
                List.of(
                        "HUGEN,55,1,2,112,112,50,2147483647,TRAIN", // line 2
                        "HUGEFPS,55,1,2,112,112,1e308,120,TRAIN", // line 3
                        "ZEROFPS,55,1,2,112,112,0,120,TRAIN", // line 4
                        "NEGFPS,55,1,2,112,112,-25,120,TRAIN", // line 5
                        "WIDE,55,1,2,112,100000,50,120,TRAIN", // line 6
                        "EDGE,100,1,2,4096,4096,1000,10000,TRAIN", // line 7: at every upper limit, kept
                        "SLOWFPS,55,1,2,112,112,1e-308,120,TRAIN", // line 8
                        "NEGEF,-5,1,2,112,112,50,120,TRAIN", // line 9
                        "LOW,0,1,2,1,1,1,1,TRAIN"), // line 10: at every lower limit, kept
                "HUGEN.avi",
                "HUGEFPS.avi",
                "ZEROFPS.avi",
                "NEGFPS.avi",
                "WIDE.avi",
                "EDGE.avi",
                "SLOWFPS.avi",
                "NEGEF.avi",
                "LOW.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("EDGE", "LOW");
        assertThat(problemFor(index, "HUGEN").reason())
                .isEqualTo("line 2: NumberOfFrames must be at most 10000 but was '2147483647'");
        assertThat(problemFor(index, "HUGEFPS").reason()).isEqualTo("line 3: FPS must be 1 to 1000 but was '1e308'");
        assertThat(problemFor(index, "ZEROFPS").reason()).isEqualTo("line 4: FPS must be 1 to 1000 but was '0'");
        assertThat(problemFor(index, "NEGFPS").reason()).isEqualTo("line 5: FPS must be 1 to 1000 but was '-25'");
        assertThat(problemFor(index, "SLOWFPS").reason()).isEqualTo("line 8: FPS must be 1 to 1000 but was '1e-308'");
        assertThat(problemFor(index, "NEGEF").reason()).isEqualTo("line 9: EF must be 0 to 100 but was '-5'");
        assertThat(problemFor(index, "WIDE").reason())
                .isEqualTo("line 6: FrameWidth must be at most 4096 but was '100000'");
    }

    @Test
    void rejectedRowsBelongToTheSplitTheyNameOrToEverySplitWhenItCannotBeRead() throws IOException {
        dataset(
                dir,
                List.of(
                        listRow("T1", "TRAIN"),
                        listRow("T2", "TRAIN"),
                        listRow("V1", "VAL"),
                        "BADTRAIN,abc,1,2,112,112,50,120,TRAIN", // bad EF, split train
                        "BADVAL,abc,1,2,112,112,50,120,VAL", // bad EF, split val
                        "NOSPLIT,55,1,2,112,112,50,120,holdout", // split unreadable: every split
                        "SHORT,55,1,2", // too few fields: every split
                        listRow("T1", "VAL"), // duplicate, listed as val
                        listRow("UNTRACED", "TRAIN")), // no tracings: dropped, split train
                "T1.avi",
                "T2.avi",
                "V1.avi",
                "BADTRAIN.avi",
                "BADVAL.avi",
                "NOSPLIT.avi",
                "SHORT.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(index.rejected("train"))
                .extracting(IndexProblem::id)
                .containsExactly("BADTRAIN", "NOSPLIT", "SHORT", "UNTRACED");
        assertThat(index.rejected("val"))
                .extracting(IndexProblem::id)
                .containsExactly("BADVAL", "NOSPLIT", "SHORT", "T1");
        assertThat(index.rejected("test")).extracting(IndexProblem::id).containsExactly("NOSPLIT", "SHORT");
        assertThat(index.rejected("all")).hasSize(6);
        assertThat(index.problems()).containsAll(index.rejected("all"));
        // planned + rejected = the rows of the selection
        assertThat(index.select("train").size() + index.rejected("train").size())
                .isEqualTo(2 + 4);
        assertThat(index.select("all").size() + index.rejected("all").size()).isEqualTo(9);
    }

    @Test
    void rejectsNamesThatCouldReachOutsideTheVideosFolder() throws IOException {
        dataset(
                dir,
                List.of(
                        listRow("../x", "TRAIN"),
                        listRow("/etc/passwd", "TRAIN"),
                        listRow("a/b", "TRAIN"),
                        listRow("a\\b", "TRAIN"),
                        listRow("..", "TRAIN"),
                        listRow("../../secret.avi", "TRAIN"),
                        listRow("", "TRAIN"),
                        listRow("fine", "TRAIN")),
                "../x.avi",
                "/etc/passwd.avi",
                "a/b.avi",
                "a\\b.avi",
                "...avi",
                "../../secret.avi",
                "fine.avi");

        EchoNetIndex index = EchoNetReader.read(dir);

        assertThat(ids(index.records())).containsExactly("fine");
        assertThat(index.records().get(0).video().normalize().startsWith(dir.resolve("Videos")))
                .isTrue();
        assertThat(problemFor(index, "../x").reason()).startsWith("line 2: ").contains("rejected");
        assertThat(problemFor(index, "/etc/passwd").reason())
                .startsWith("line 3: ")
                .contains("rejected: contains a path separator");
        assertThat(problemFor(index, "a/b").reason()).startsWith("line 4: ").contains("path separator");
        assertThat(problemFor(index, "a\\b").reason()).startsWith("line 5: ").contains("path separator");
        assertThat(problemFor(index, "..").reason()).startsWith("line 6: ").contains("'..'");
        assertThat(problemFor(index, "../../secret").reason())
                .startsWith("line 7: ")
                .contains("rejected");
        assertThat(problemFor(index, "").reason()).isEqualTo("line 8: FileName is empty");
        assertThat(index.problems()).hasSize(7);
    }

    // ---------------------------------------------------------------------------------------- whole files

    @Test
    void missingFileListNamesTheFile() {
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("FileList.csv")
                .hasMessageContaining("not found")
                .satisfies(e -> assertThat(((DatasetException) e).file()).isEqualTo(dir.resolve("FileList.csv")));
    }

    @Test
    void missingRootIsReported() {
        Path nowhere = dir.resolve("nowhere");
        assertThatThrownBy(() -> EchoNetReader.read(nowhere))
                .isInstanceOf(DatasetException.class)
                .satisfies(e -> assertThat(((DatasetException) e).file()).isEqualTo(nowhere));
    }

    @Test
    void missingTracingsNamesTheFile() throws IOException {
        fileList(List.of(listRow("A", "TRAIN")));
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("VolumeTracings.csv")
                .satisfies(e -> assertThat(((DatasetException) e).file()).isEqualTo(dir.resolve("VolumeTracings.csv")));
    }

    @Test
    void emptyFilesNameTheFile() throws IOException {
        Files.writeString(dir.resolve("FileList.csv"), "");
        write(dir.resolve("VolumeTracings.csv"), lines(TRACING_HEADER));
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("FileList.csv")
                .hasMessageContaining("empty");

        fileList(List.of(listRow("A", "TRAIN")));
        Files.writeString(dir.resolve("VolumeTracings.csv"), "\n\n");
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("VolumeTracings.csv")
                .hasMessageContaining("empty");
    }

    @Test
    void missingColumnsNameTheFileAndTheColumn() throws IOException {
        write(dir.resolve("FileList.csv"), List.of("FileName,EF,ESV,EDV,FrameHeight,FrameWidth,NumberOfFrames,Split"));
        write(dir.resolve("VolumeTracings.csv"), lines(TRACING_HEADER));
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("FileList.csv")
                .hasMessageContaining("missing required column FPS")
                .satisfies(e -> assertThat(((DatasetException) e).file()).isEqualTo(dir.resolve("FileList.csv")));

        fileList(List.of(listRow("A", "TRAIN")));
        write(dir.resolve("VolumeTracings.csv"), List.of("FileName,X1,Y1,X2,Y2", "A.avi,1,2,3,4"));
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("VolumeTracings.csv")
                .hasMessageContaining("missing required column Frame");
    }

    @Test
    void aHeaderlessFileIsAMissingHeader() throws IOException {
        write(dir.resolve("FileList.csv"), List.of(listRow("A", "TRAIN"), listRow("B", "TRAIN")));
        write(dir.resolve("VolumeTracings.csv"), lines(TRACING_HEADER));
        assertThatThrownBy(() -> EchoNetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("FileList.csv")
                .hasMessageContaining("header line missing");
    }

    @Test
    void theIndexListsAreImmutable() throws IOException {
        dataset(dir, List.of(listRow("A", "TRAIN")), "A.avi");
        EchoNetIndex index = EchoNetReader.read(dir);
        assertThatThrownBy(() -> index.records().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> index.select("train").clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
