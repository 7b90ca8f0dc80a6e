package org.etab.datasets.tmed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.etab.decode.DatasetException;
import org.etab.source.IndexProblem;
import org.etab.source.Split;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TmedReader and TmedIndex against CSVs written by hand, quirks included. */
class TmedReaderTest {
    private static final String FOLD_HEADER =
            "query_key,view_label,diagnosis_label,SourceFolder,view_classifier_split,diagnosis_classifier_split";

    @TempDir
    Path root;

    private void labels(String... lines) throws IOException {
        write(TmedReader.LABELS, "query_key,view_label,diagnosis_label", lines);
    }

    private void fold(int fold, String header, String... rows) throws IOException {
        write(TmedReader.foldFile(fold), header, rows);
    }

    private void write(String name, String header, String... rows) throws IOException {
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (String r : rows) {
            sb.append(r).append('\n');
        }
        Files.writeString(root.resolve(name), sb.toString(), StandardCharsets.UTF_8);
    }

    private static List<String> ids(List<TmedRecord> records) {
        return records.stream().map(TmedRecord::id).toList();
    }

    @Test
    void readsColumnsByNameInAnyOrderIgnoringOthers() throws IOException {
        Files.writeString(
                root.resolve(TmedReader.LABELS),
                "\uFEFFdiagnosis_label,Query_Key,comment,view_label\nmild_AS,4860s1_0.png,x,PLAX\nNot_Provided,77s2_3.png,,A4C\n");
        fold(
                0,
                ",diagnosis_classifier_split,SourceFolder, QUERY_KEY ,view_classifier_split,patient,diagnosis_label,view_label",
                "0,test,view_and_diagnosis_labeled_set/labeled,4860s1_0.png,train,4860,mild_AS,PLAX",
                "1,,view_labeled_set/labeled/,77s2_3.png,VAL,77,Not_Provided,A4C");
        TmedIndex index = TmedReader.read(root);
        assertThat(index.problems()).isEmpty();
        assertThat(index.fold()).isZero();
        TmedRecord a = index.records().get(0);
        Path abs = root.toAbsolutePath().normalize();
        assertThat(a)
                .isEqualTo(new TmedRecord(
                        "4860s1_0",
                        abs.resolve("view_and_diagnosis_labeled_set/labeled/4860s1_0.png"),
                        TmedView.PLAX,
                        AsLabel.MILD_AS,
                        Split.TRAIN,
                        Split.TEST));
        assertThat(a.viewClass()).isZero();
        assertThat(a.asClass()).isEqualTo(1);
        TmedRecord b = index.records().get(1);
        assertThat(b.image()).isEqualTo(abs.resolve("view_labeled_set/labeled/77s2_3.png"));
        assertThat(b.viewSplit()).isEqualTo(Split.VAL);
        assertThat(b.diagnosisSplit()).as("empty split of a Not_Provided row").isNull();
        assertThat(b.asClass()).isEqualTo(-1);
    }

    @Test
    void officialClassMapsAndQueryKeysWithoutExtension() throws IOException {
        labels();
        fold(
                0,
                FOLD_HEADER,
                "a.png,PLAX,no_AS,f,train,train",
                "b.png,PSAX,mild_AS,f,train,train",
                "c.png,A4C,mildtomod_AS,f,train,train",
                "d.png,A2C,moderate_AS,f,train,train",
                "e,A4CorA2CorOther,severe_AS,f,train,train",
                "f.PNG, plax , SEVERE_as ,f,train,train");
        TmedIndex index = TmedReader.read(root);
        assertThat(index.records()).extracting(TmedRecord::viewClass).containsExactly(0, 1, 2, 3, 4, 0);
        assertThat(index.records()).extracting(TmedRecord::asClass).containsExactly(0, 1, 1, 2, 2, 2);
        assertThat(index.records()).extracting(r -> r.label(Target.VIEW)).containsExactly(0, 1, 2, 3, 4, 0);
        assertThat(index.records()).extracting(r -> r.label(Target.AS)).containsExactly(0, 1, 1, 2, 2, 2);
        assertThat(ids(index.records())).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(index.records().get(4).image().getFileName()).hasToString("e.png");
        assertThat(index.records().get(5).image().getFileName()).hasToString("f.PNG");
        // the fold file's rows are not in labels_per_image.csv: kept, and counted once
        assertThat(index.problems())
                .singleElement()
                .extracting(IndexProblem::reason)
                .asString()
                .contains("6 rows are not listed in labels_per_image.csv")
                .contains("first: a at line 2");
    }

    @Test
    void foldSelectsTheFileAndItsSplits() throws IOException {
        labels("k.png,PLAX,no_AS");
        fold(0, FOLD_HEADER, "k.png,PLAX,no_AS,f,train,train");
        fold(1, FOLD_HEADER, "k.png,PLAX,no_AS,f,val,test");
        assertThat(TmedReader.read(root).records().get(0).viewSplit()).isEqualTo(Split.TRAIN);
        TmedIndex one = TmedReader.read(root, 1);
        assertThat(one.fold()).isEqualTo(1);
        assertThat(one.records().get(0).viewSplit()).isEqualTo(Split.VAL);
        assertThat(one.records().get(0).diagnosisSplit()).isEqualTo(Split.TEST);
        for (int bad : new int[] {-1, 3}) {
            assertThatThrownBy(() -> TmedReader.read(root, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fold must be 0, 1 or 2 but was " + bad);
        }
        assertThatThrownBy(() -> TmedReader.read(root, 2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("TMED2_fold2_labeledpart.csv")
                .hasMessageContaining("not found")
                .hasMessageContaining("nor in " + root.resolve("DEV479").resolve("TMED2_fold2_labeledpart.csv"))
                .satisfies(e -> assertThat(((DatasetException) e).file())
                        .isEqualTo(root.resolve("TMED2_fold2_labeledpart.csv")));
    }

    /**
     * The release's own layout (TMED-2's authors' {@code TMED2_Summary_Tables.ipynb} in
     * tufts-ml/tmed2-echocardiogram-classifiers): {@code labels_per_image.csv} and the image folders under
     * {@code approved_users_only/}, the fold files in {@code approved_users_only/DEV479/} (DEV165/DEV56 hold the
     * smaller labeled sets), SourceFolder relative to {@code approved_users_only/}.
     */
    @Test
    void readsTheReleaseLayoutWithFoldFilesInDev479() throws IOException {
        for (Path given : List.of(root.resolve("TMED2"), root.resolve("copy"))) {
            // given/approved_users_only/ as the release unpacks, or given/ itself as approved_users_only/
            Path data = given.getFileName().toString().equals("TMED2") ? given.resolve("approved_users_only") : given;
            Path dev = Files.createDirectories(data.resolve("DEV479"));
            Files.writeString(
                    data.resolve(TmedReader.LABELS),
                    "query_key,view_label,diagnosis_label\n" + "4860s1_0.png,PLAX,moderate_AS\n");
            Files.writeString(
                    dev.resolve(TmedReader.foldFile(1)),
                    FOLD_HEADER + "\n4860s1_0.png,PLAX,moderate_AS,view_and_diagnosis_labeled_set/labeled,train,val\n");
            Files.createDirectories(data.resolve("DEV56"));
            Files.writeString(data.resolve("DEV56").resolve(TmedReader.foldFile(1)), FOLD_HEADER + "\n");
            TmedIndex index = TmedReader.read(given, 1);
            assertThat(index.problems()).isEmpty();
            assertThat(index.records()).singleElement().satisfies(r -> {
                assertThat(r.diagnosisSplit()).isEqualTo(Split.VAL);
                assertThat(r.image())
                        .isEqualTo(data.toAbsolutePath()
                                .normalize()
                                .resolve("view_and_diagnosis_labeled_set/labeled/4860s1_0.png"));
            });
        }
    }

    @Test
    void aFoldFileBesideTheLabelsIsPreferredToDev479s() throws IOException {
        labels("k.png,PLAX,no_AS");
        fold(0, FOLD_HEADER, "k.png,PLAX,no_AS,f,train,train");
        Files.createDirectories(root.resolve("DEV479"));
        Files.writeString(
                root.resolve("DEV479").resolve(TmedReader.foldFile(0)),
                FOLD_HEADER + "\nk.png,PLAX,no_AS,f,test,test\n");
        assertThat(TmedReader.read(root).records().get(0).viewSplit()).isEqualTo(Split.TRAIN);
    }

    @Test
    void missingFilesAndColumnsAreDatasetExceptionsNamingTheFile() throws IOException {
        fold(0, FOLD_HEADER, "k.png,PLAX,no_AS,f,train,train");
        assertThatThrownBy(() -> TmedReader.read(root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(root.resolve("labels_per_image.csv").toString())
                .hasMessageContaining("not found");
        labels("k.png,PLAX,no_AS");
        fold(0, "query_key,view_label,diagnosis_label,view_classifier_split", "k.png,PLAX,no_AS,train");
        assertThatThrownBy(() -> TmedReader.read(root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("TMED2_fold0_labeledpart.csv")
                .hasMessageContaining("missing required columns SourceFolder, diagnosis_classifier_split");
        write(TmedReader.LABELS, "query_key,view_label");
        fold(0, FOLD_HEADER);
        assertThatThrownBy(() -> TmedReader.read(root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("labels_per_image.csv")
                .hasMessageContaining("diagnosis_label");
        Files.writeString(root.resolve(TmedReader.LABELS), "");
        assertThatThrownBy(() -> TmedReader.read(root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("labels_per_image.csv")
                .hasMessageContaining("empty file");
        labels("k.png,PLAX,no_AS");
        Files.writeString(root.resolve(TmedReader.foldFile(0)), "");
        assertThatThrownBy(() -> TmedReader.read(root))
                .isInstanceOf(DatasetException.class)
                .hasMessage(root.resolve(TmedReader.foldFile(0)) + ": empty file: no header line");
        assertThatThrownBy(() -> TmedReader.read(root.resolve("nowhere")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("TMED-2 directory not found");
    }

    @Test
    void theSplitComesFromTheTargetsOwnColumn() throws IOException {
        labels();
        fold(
                0,
                FOLD_HEADER,
                "a.png,PLAX,no_AS,f,train,test",
                "b.png,PSAX,severe_AS,f,test,train",
                "c.png,PLAX,mild_AS,f,val,val");
        TmedIndex index = TmedReader.read(root);
        assertThat(ids(index.select("train", "both", Target.VIEW))).containsExactly("a");
        assertThat(ids(index.select("train", "both", Target.AS))).containsExactly("b");
        assertThat(ids(index.select("TEST", "both", Target.VIEW))).containsExactly("b");
        assertThat(ids(index.select("test", "both", Target.AS))).containsExactly("a");
        assertThat(ids(index.select("val", "both", Target.AS))).containsExactly("c");
        assertThat(ids(index.select("all", "both", Target.AS))).containsExactly("a", "b", "c");
        assertThatThrownBy(() -> index.select("dev", "all", Target.VIEW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split must be one of train, val, test, all (any case) but was 'dev'");
    }

    /** Only the target's own split column decides: an empty one leaves the row to the other target. */
    @Test
    void anEmptySplitKeepsTheRowForTheOtherTarget() throws IOException {
        labels("a.png,PLAX,no_AS", "v.png,PLAX,severe_AS", "d.png,PSAX,mild_AS", "n.png,PSAX,no_AS");
        fold(
                0,
                FOLD_HEADER,
                "a.png,PLAX,no_AS,f,train,train",
                "v.png,PLAX,severe_AS,f,,test", // no view split
                "d.png,PSAX,mild_AS,f,val, ", // no diagnosis split
                "n.png,PSAX,no_AS,f,nan,NaN"); // neither (pandas writes an empty cell as nan)
        TmedIndex index = TmedReader.read(root);
        assertThat(index.problems()).isEmpty();
        assertThat(ids(index.records())).containsExactly("a", "v", "d", "n");
        assertThat(ids(index.select("test", "both", Target.AS))).containsExactly("v");
        assertThat(ids(index.select("test", "both", Target.VIEW))).isEmpty();
        assertThat(ids(index.select("val", "both", Target.VIEW))).containsExactly("d");
        assertThat(ids(index.select("val", "both", Target.AS))).isEmpty();
        // a named split simply does not hold them
        TmedIndex.Selection train = index.selection("train", "both", Target.VIEW);
        assertThat(ids(train.records())).containsExactly("a");
        assertThat(train.problems()).isEmpty();
        assertThat(train.rejected()).isEmpty();
        // 'all' holds them, so it says which it cannot use for this target
        TmedIndex.Selection view = index.selection("all", "both", Target.VIEW);
        assertThat(ids(view.records())).containsExactly("a", "d");
        assertThat(view.rejected())
                .extracting(IndexProblem::toString)
                .containsExactly(
                        "v: TMED2_fold0_labeledpart.csv: view_classifier_split is empty: no split for target view",
                        "n: TMED2_fold0_labeledpart.csv: view_classifier_split is empty: no split for target view");
        assertThat(view.problems())
                .extracting(IndexProblem::reason)
                .containsExactly("skipped 2 rows of split 'all', view 'both' whose view_classifier_split is empty"
                        + " (no split for target view)");
        TmedIndex.Selection as = index.selection("all", "both", Target.AS);
        assertThat(ids(as.records())).containsExactly("a", "v");
        assertThat(as.rejected()).extracting(IndexProblem::id).containsExactly("d", "n");
        assertThat(as.rejected().get(0).reason())
                .isEqualTo("diagnosis_classifier_split is empty: no split for target AS");
        assertThat(as.problems())
                .extracting(IndexProblem::reason)
                .containsExactly("skipped 2 rows of split 'all', view 'both' whose diagnosis_classifier_split is"
                        + " empty (no split for target AS)");
    }

    @Test
    void viewFiltersUseEtabNames() throws IOException {
        labels();
        fold(
                0,
                FOLD_HEADER,
                "p.png,PLAX,no_AS,f,train,train",
                "s.png,PSAX,no_AS,f,train,train",
                "4.png,A4C,no_AS,f,train,train",
                "2.png,A2C,no_AS,f,train,train",
                "o.png,A4CorA2CorOther,no_AS,f,train,train");
        TmedIndex index = TmedReader.read(root);
        assertThat(ids(index.select("all", "PLAX", Target.VIEW))).containsExactly("p");
        assertThat(ids(index.select("all", "psax", Target.VIEW))).containsExactly("s");
        assertThat(ids(index.select("all", "AP4CH", Target.VIEW))).containsExactly("4");
        assertThat(ids(index.select("all", "AP2CH", Target.AS))).containsExactly("2");
        assertThat(ids(index.select("all", "PLAX+PSAX", Target.VIEW))).containsExactly("p", "s");
        assertThat(ids(index.select("all", "both", Target.VIEW))).containsExactly("p", "s");
        assertThat(ids(index.select("all", "all", Target.VIEW))).containsExactly("p", "s", "4", "2", "o");
        for (String bad : List.of("A4C", "A4CorA2CorOther", "", "PLAX,PSAX")) {
            assertThatThrownBy(() -> index.select("all", bad, Target.VIEW))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("view for tmed must be one of PLAX, PSAX, AP4CH, AP2CH, PLAX+PSAX, both, all (any case)"
                            + " but was '" + bad + "'");
        }
    }

    @Test
    void notProvidedRowsAreSkippedAndCountedForAsOnly() throws IOException {
        labels();
        fold(
                0,
                FOLD_HEADER,
                "a.png,PLAX,no_AS,f,train,train",
                "n1.png,PLAX,Not_Provided,f,train,train",
                "n2.png,PSAX,not_provided,f,train,",
                "n3.png,PSAX,Not_Provided,f,test,test",
                "n4.png,A4C,Not_Provided,f,train,train");
        TmedIndex index = TmedReader.read(root);
        List<IndexProblem> base = index.problems();
        assertThat(ids(index.select("train", "both", Target.VIEW))).containsExactly("a", "n1", "n2");
        assertThat(index.selection("train", "both", Target.VIEW).problems()).isEqualTo(base);

        TmedIndex.Selection train = index.selection("train", "both", Target.AS);
        assertThat(ids(train.records())).containsExactly("a");
        assertThat(train.problems()).hasSize(base.size() + 1);
        assertThat(train.problems().get(base.size()).reason())
                .isEqualTo(
                        "skipped 1 row of split 'train', view 'both' whose diagnosis_label is Not_Provided (no AS class)");
        assertThat(train.problems().get(base.size()).file()).isEqualTo("TMED2_fold0_labeledpart.csv");
        assertThat(train.rejected()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("n1");
            assertThat(p.reason()).isEqualTo("diagnosis_label is Not_Provided: no AS class");
        });
        assertThat(index.selection("all", "all", Target.AS).rejected())
                .extracting(IndexProblem::id)
                .containsExactly("n1", "n2", "n3", "n4");

        TmedIndex.Selection all = index.selection("all", "both", Target.AS);
        assertThat(ids(all.records())).containsExactly("a");
        assertThat(all.problems().get(base.size()).reason()).startsWith("skipped 3 rows of split 'all', view 'both'");
        assertThat(index.selection("all", "all", Target.AS)
                        .problems()
                        .get(base.size())
                        .reason())
                .startsWith("skipped 4 rows");
    }

    @Test
    void badRowsAreReportedWithTheirLineAndNeverSilentlyDropped() throws IOException {
        labels();
        fold(
                0,
                FOLD_HEADER,
                "ok1.png,PLAX,no_AS,f,train,train", // line 2
                "short.png,PLAX,no_AS,f,train", // 3
                "long.png,PLAX,no_AS,f,train,train,extra", // 4
                "v.png,Apical5,no_AS,f,train,train", // 5
                "d.png,PLAX,very_AS,f,train,train", // 6
                "s.png,PLAX,no_AS,f,training,train", // 7
                "e.png,PLAX,no_AS,f,train,tset", // 8
                "ok1.png,PSAX,no_AS,f,test,test", // 9: duplicate
                ",PLAX,no_AS,f,train,train", // 10: no key
                "ok2,PSAX,severe_AS,f,val,val"); // 11
        TmedIndex index = TmedReader.read(root);
        // s's view split and e's AS split are unreadable: each a record for the other target only
        assertThat(ids(index.records())).containsExactly("ok1", "s", "e", "ok2");
        List<String> problems =
                index.problems().stream().map(IndexProblem::toString).toList();
        assertThat(problems)
                .containsExactly(
                        "short: TMED2_fold0_labeledpart.csv: line 3: expected 6 fields but found 5; row ignored",
                        "long: TMED2_fold0_labeledpart.csv: line 4: expected 6 fields but found 7; row ignored",
                        "v: TMED2_fold0_labeledpart.csv: line 5: view_label 'Apical5' is not one of PLAX, PSAX, A4C, A2C,"
                                + " A4CorA2CorOther; row ignored",
                        "d: TMED2_fold0_labeledpart.csv: line 6: diagnosis_label 'very_AS' is not one of no_AS, mild_AS,"
                                + " mildtomod_AS, moderate_AS, severe_AS, Not_Provided; row ignored",
                        "s: TMED2_fold0_labeledpart.csv: line 7: view_classifier_split must be train, val or test (any case)"
                                + " but was 'training'; row left out of target view (kept for AS)",
                        "e: TMED2_fold0_labeledpart.csv: line 8: diagnosis_classifier_split must be train, val or test"
                                + " (any case) but was 'tset'; row left out of target AS (kept for view)",
                        "ok1: TMED2_fold0_labeledpart.csv: line 9: duplicate query_key (first listed at line 2); row ignored",
                        "TMED2_fold0_labeledpart.csv: line 10: query_key is empty; row ignored",
                        "TMED2_fold0_labeledpart.csv: 4 rows are not listed in labels_per_image.csv (first: ok1 at line 2);"
                                + " kept with the fold file's labels");
        // each rejected row is in the selections its readable fields put it in (an unreadable one: in every one)
        assertThat(index.selection("train", "all", Target.VIEW).rejected())
                .extracting(IndexProblem::id)
                .containsExactly("short", "long", "v", "d", "s", "");
        assertThat(ids(index.select("train", "all", Target.VIEW))).containsExactly("ok1", "e");
        assertThat(index.selection("test", "all", Target.VIEW).rejected())
                .extracting(IndexProblem::id)
                .containsExactly("s", "ok1");
        assertThat(index.selection("test", "PLAX", Target.VIEW).rejected())
                .extracting(IndexProblem::id)
                .containsExactly("s");
        // for AS, e's split is unknown: it is reported in every split, once, and selected in none
        for (String split : List.of("train", "val", "test", "all")) {
            assertThat(index.selection(split, "all", Target.AS).rejected())
                    .extracting(IndexProblem::id)
                    .as(split)
                    .containsOnlyOnce("e");
            assertThat(ids(index.select(split, "all", Target.AS))).as(split).doesNotContain("e");
        }
    }

    @Test
    void aCsvLargerThanItsBoundIsRefusedUnread() throws IOException {
        labels();
        fold(0, FOLD_HEADER, "a.png,PLAX,no_AS,f,train,train");
        Path file = root.resolve(TmedReader.foldFile(0));
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(TmedReader.MAX_CSV_BYTES + 1); // sparse: nothing of it is ever read
        }
        assertThatThrownBy(() -> TmedReader.read(root))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": is 33554433 bytes, more than the 33554432 an index file of its kind may have");
    }

    @Test
    void aSplitWordThatIsNoSplitCostsOnlyTheTargetItServes() throws IOException {
        labels();
        fold(
                0,
                FOLD_HEADER,
                "a.png,PLAX,Not_Provided,f,train,unlabeled",
                "b.png,PSAX,mild_AS,f,holdout,test",
                "c.png,PLAX,no_AS,f,holdout,unlabeled",
                "d.png,PSAX,severe_AS,f,test,test");
        TmedIndex index = TmedReader.read(root);

        assertThat(ids(index.select("train", "all", Target.VIEW))).containsExactly("a");
        assertThat(ids(index.select("test", "all", Target.VIEW))).containsExactly("d");
        assertThat(ids(index.select("test", "all", Target.AS))).containsExactly("b", "d");
        assertThat(index.selection("all", "all", Target.VIEW).rejected())
                .extracting(IndexProblem::id)
                .containsExactly("b", "c");
        assertThat(index.selection("all", "all", Target.AS).rejected())
                .extracting(IndexProblem::id)
                .containsExactly("a", "c");
        assertThat(index.problems())
                .extracting(IndexProblem::toString)
                .contains(
                        "a: TMED2_fold0_labeledpart.csv: line 2: diagnosis_classifier_split must be train, val or test"
                                + " (any case) but was 'unlabeled'; row left out of target AS (kept for view)",
                        "c: TMED2_fold0_labeledpart.csv: line 4: view_classifier_split must be train, val or test"
                                + " (any case) but was 'holdout'; row ignored");
    }

    @Test
    void namesThatLeaveTheRootAreRejectedBeforeAnyFileIsOpened() throws IOException {
        Path outside = Files.writeString(root.getParent().resolve("secret.png"), "not for you");
        labels();
        fold(
                0,
                FOLD_HEADER,
                "../secret.png,PLAX,no_AS,f,train,train",
                "/etc/passwd,PLAX,no_AS,f,train,train",
                "sub/x.png,PLAX,no_AS,f,train,train",
                "w\\x.png,PLAX,no_AS,f,train,train",
                "a.png,PLAX,no_AS,..,train,train",
                "b.png,PLAX,no_AS,\\tmp,train,train",
                "c.png,PLAX,no_AS,ok/../../x,train,train",
                "d.png,PLAX,no_AS,C:\\data,train,train",
                "e.png,PLAX,no_AS,dir\\sub,train,train",
                "fine.png,PLAX,no_AS,dir/sub/,train,train",
                "flat.png,PLAX,no_AS,,train,train");
        TmedIndex index = TmedReader.read(root);
        assertThat(ids(index.records())).containsExactly("fine", "flat");
        assertThat(index.records().get(0).image())
                .isEqualTo(root.toAbsolutePath().normalize().resolve("dir/sub/fine.png"));
        assertThat(index.records().get(1).image())
                .isEqualTo(root.toAbsolutePath().normalize().resolve("flat.png"));
        List<String> reasons =
                index.problems().stream().map(IndexProblem::reason).toList();
        assertThat(reasons).hasSize(10);
        assertThat(reasons.get(0))
                .isEqualTo("line 2: query_key '../secret.png' rejected: contains a path separator; row ignored");
        assertThat(reasons.get(1)).contains("'/etc/passwd' rejected: contains a path separator");
        assertThat(reasons.get(2)).contains("'sub/x.png' rejected: contains a path separator");
        assertThat(reasons.get(3)).contains("rejected: contains a path separator");
        assertThat(reasons.get(4)).contains("SourceFolder '..' rejected: contains '..'");
        assertThat(reasons.get(5)).contains("SourceFolder '\\tmp' rejected: absolute path");
        assertThat(reasons.get(6)).contains("SourceFolder 'ok/../../x' rejected: contains '..'");
        assertThat(reasons.get(7)).contains("SourceFolder 'C:\\data' rejected: absolute path");
        assertThat(reasons.get(8)).contains("SourceFolder 'dir\\sub' rejected: contains a backslash");
        assertThat(outside).hasContent("not for you");
    }

    /** Public TMED-2 loaders strip '/' from SourceFolder, so a leading one still names a folder under the root. */
    @Test
    void aLeadingSlashInSourceFolderIsRelativeToTheRoot() throws IOException {
        labels();
        fold(
                0,
                FOLD_HEADER,
                "a.png,PLAX,no_AS,/view_and_diagnosis_labeled_set/labeled,train,train",
                "b.png,PLAX,no_AS,//tmp/,train,train",
                "c.png,PLAX,no_AS,/,train,train",
                "d.png,PLAX,no_AS,/../x,train,train",
                "e.png,PLAX,no_AS,/ok/../../x,train,train");
        TmedIndex index = TmedReader.read(root);
        Path abs = root.toAbsolutePath().normalize();
        assertThat(index.records())
                .extracting(TmedRecord::image)
                .containsExactly(
                        abs.resolve("view_and_diagnosis_labeled_set/labeled/a.png"),
                        abs.resolve("tmp/b.png"),
                        abs.resolve("c.png"));
        assertThat(index.problems())
                .extracting(IndexProblem::reason)
                .containsSubsequence(
                        "line 5: SourceFolder '/../x' rejected: contains '..'; row ignored",
                        "line 6: SourceFolder '/ok/../../x' rejected: contains '..'; row ignored");
    }

    @Test
    void aSeparatorOrNulIsRefusedForWhatItIsEvenAsTheFirstCharacter() {
        Path abs = root.toAbsolutePath().normalize();
        for (String key : new String[] {"/k", "\\k"}) {
            assertThatThrownBy(() -> TmedFields.imagePath(abs, "a", key))
                    .isInstanceOf(TmedFields.BadRow.class)
                    .hasMessage("query_key '" + key + "' rejected: contains a path separator");
        }
        // a NUL would otherwise reach Path.resolve and be refused as some other invalid path; the folder's comes first
        // once its '/' is stripped (trim() already drops a NUL at either end of the key)
        assertThatThrownBy(() -> TmedFields.imagePath(abs, "a", "k\0x"))
                .hasMessage("query_key or SourceFolder rejected: contains a NUL character");
        assertThatThrownBy(() -> TmedFields.imagePath(abs, "/\0a", "k"))
                .hasMessage("query_key or SourceFolder rejected: contains a NUL character");
    }

    @Test
    void aColumnFoundFirstKeepsItsPlaceAndOneMissingColumnIsNamedInTheSingular() {
        Path f = Path.of("fold.csv");
        assertThat(TmedReader.columns(
                        f, List.of("query_key", " QUERY_KEY", "SourceFolder"), "query_key", "sourcefolder"))
                .containsExactly(0, 2);
        assertThatThrownBy(() -> TmedReader.columns(f, List.of("query_key"), "query_key", "view_label"))
                .isInstanceOf(DatasetException.class)
                .hasMessage("fold.csv: missing required column view_label; header is [query_key]");
    }

    @Test
    void dotSegmentsStayInsideAndAnyDoubleDotIsRefused() throws Exception {
        Path abs = root.toAbsolutePath().normalize();
        assertThatThrownBy(() -> TmedFields.imagePath(abs, ".", "..png"))
                .isInstanceOf(TmedFields.BadRow.class)
                .hasMessageContaining("contains '..'");
        assertThat(TmedFields.imagePath(abs, "./a/.", "k.png")).isEqualTo(abs.resolve("a/k.png"));
    }

    @Test
    void labelsFileIsACrossCheck() throws IOException {
        labels("a.png,PLAX,no_AS", "b.png,PSAX,mild_AS", "b.png,PSAX,mild_AS", "c.png,Doppler,no_AS", "d.png,PLAX");
        fold(
                0,
                FOLD_HEADER,
                "a.png,PLAX,no_AS,f,train,train",
                "b.png,PLAX,mild_AS,f,train,train",
                "c.png,PSAX,no_AS,f,train,train");
        TmedIndex index = TmedReader.read(root);
        assertThat(ids(index.records())).containsExactly("a", "c");
        assertThat(index.problems())
                .extracting(IndexProblem::toString)
                .containsExactly(
                        "b: labels_per_image.csv: line 4: duplicate query_key (first listed at line 3); row ignored",
                        "c: labels_per_image.csv: line 5: view_label 'Doppler' is not one of PLAX, PSAX, A4C, A2C,"
                                + " A4CorA2CorOther; row ignored",
                        "d: labels_per_image.csv: line 6: expected 3 fields but found 2; row ignored",
                        "b: TMED2_fold0_labeledpart.csv: line 3: labels PLAX/mild_AS disagree with labels_per_image.csv"
                                + " line 3 (PSAX/mild_AS); row ignored",
                        "TMED2_fold0_labeledpart.csv: 1 row is not listed in labels_per_image.csv (first: c at line 4);"
                                + " kept with the fold file's labels");
    }

    @Test
    void onlyViewAndAsAreTargets() throws IOException {
        labels();
        fold(0, FOLD_HEADER, "a.png,PLAX,no_AS,f,train,train");
        TmedIndex index = TmedReader.read(root);
        assertThatThrownBy(() -> index.select("all", "all", Target.EF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target 'EF' is not available for tmed; available: view, AS");
        assertThatThrownBy(() -> index.records().get(0).label(Target.LV_SEG))
                .hasMessage("target 'LV_seg' is not available for tmed; available: view, AS");
    }
}
