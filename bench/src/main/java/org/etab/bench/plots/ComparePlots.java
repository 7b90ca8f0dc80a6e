package org.etab.bench.plots;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The plots of the side-by-side comparison ({@code bench/compare/compare.sh}): reads {@code runs.csv} (one row per
 * run) and writes into the output directory
 * <ul>
 * <li>{@code compare-throughput.png}: W1 clips/s, etab vs the reference loader vs the tuned PyAV loader vs the decode
 * ceilings, the bar is the median, the error bar the range of the runs;</li>
 * <li>{@code threads.png}: median clips/s vs decode threads / DataLoader workers / decoding processes;</li>
 * <li>{@code memory.png}: peak resident memory vs dataset size (etab, reference) and vs etab's prefetch depth.</li>
 * </ul>
 * A plot whose series has no rows is skipped. Usage:
 * {@code java -cp bench/target/etab-bench.jar:$(cat bench/target/classpath.txt) org.etab.bench.plots.ComparePlots
 * <dir with runs.csv | runs.csv> <out dir>}
 */
public final class ComparePlots {

    private static final Map<String, String> LABELS = new LinkedHashMap<>();
    private static final Map<String, Color> COLORS = new HashMap<>();
    private static final Map<String, String> SHORT = Map.of(
            "etab",
            "etab bench",
            "reference",
            "reference (PyTorch + OpenCV)",
            "pyav",
            "tuned PyAV loader",
            "ceiling_ffmpeg",
            "decode ceiling (ffmpeg)",
            "ceiling_opencv",
            "decode ceiling (OpenCV)");

    static {
        LABELS.put("etab", "etab bench");
        LABELS.put("reference", "reference: PyTorch DataLoader + OpenCV");
        LABELS.put("pyav", "tuned: PyTorch DataLoader + PyAV, only the clip's frames");
        LABELS.put("ceiling_ffmpeg", "decode-all ceiling / 32 (ffmpeg)");
        LABELS.put("ceiling_opencv", "decode-all ceiling / 32 (OpenCV)");
        COLORS.put("etab", new Color(0x1f77b4));
        COLORS.put("reference", new Color(0xd62728));
        COLORS.put("pyav", new Color(0xff7f0e));
        COLORS.put("ceiling_ffmpeg", new Color(0x7f7f7f));
        COLORS.put("ceiling_opencv", new Color(0xbcbd22));
    }

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 600;

    private ComparePlots() {}

    /** One row of runs.csv. */
    record Run(Map<String, String> fields) {
        String s(String key) {
            return fields.getOrDefault(key, "");
        }

        double d(String key) {
            String v = s(key);
            return v.isBlank() ? Double.NaN : Double.parseDouble(v);
        }

        int i(String key) {
            String v = s(key);
            return v.isBlank() ? -1 : Integer.parseInt(v);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ComparePlots <dir holding runs.csv | runs.csv> <out dir>");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Path in = Path.of(args[0]);
        Path csv = Files.isDirectory(in) ? in.resolve("runs.csv") : in;
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        List<Run> runs = read(csv);
        String machine = machine(csv.resolveSibling("machine.txt"));

        write(throughput(runs, machine), out.resolve("compare-throughput.png"));
        write(threads(runs, machine), out.resolve("threads.png"));
        List<Chart<?, ?>> memory = new ArrayList<>();
        CategoryChart bySize = memoryBySize(runs);
        XYChart byPrefetch = memoryByPrefetch(runs);
        if (bySize != null) {
            memory.add(bySize);
        }
        if (byPrefetch != null) {
            memory.add(byPrefetch);
        }
        if (!memory.isEmpty()) {
            Path f = out.resolve("memory.png");
            BitmapEncoder.saveBitmap(memory, memory.size(), 1, f.toString(), BitmapFormat.PNG);
            System.out.println("wrote " + f);
        }
    }

    static List<Run> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",", -1);
        List<Run> runs = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] v = line.split(",", -1);
            Map<String, String> m = new HashMap<>();
            for (int k = 0; k < header.length && k < v.length; k++) {
                m.put(header[k], v[k]);
            }
            runs.add(new Run(m));
        }
        return runs;
    }

    private static String machine(Path f) {
        try {
            if (!Files.exists(f)) {
                return "";
            }
            for (String line : Files.readAllLines(f)) {
                if (line.startsWith("# machine:")) {
                    String s = line.substring("# machine:".length()).trim();
                    int semi = s.indexOf(';');
                    return (semi >= 0 ? s.substring(semi + 1).trim() : s).replace("; ", ", ");
                }
            }
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double median(List<Double> values) {
        double[] v = values.stream()
                .filter(x -> !Double.isNaN(x))
                .mapToDouble(Double::doubleValue)
                .sorted()
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static List<Double> values(List<Run> runs, Predicate<Run> which, String key) {
        return runs.stream()
                .filter(which)
                .map(r -> r.d(key))
                .filter(x -> !Double.isNaN(x))
                .collect(Collectors.toList());
    }

    /** W1 side by side: median bars, min-max error bars, the value on each bar, ratios in the title. */
    static CategoryChart throughput(List<Run> runs, String machine) {
        List<String> tools = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Double> medians = new ArrayList<>();
        List<List<Double>> perTool = new ArrayList<>();
        Map<String, Double> med = new HashMap<>();
        int reps = 0;
        for (String tool : LABELS.keySet()) {
            List<Double> v = values(
                    runs, r -> r.s("series").equals("main") && r.s("tool").equals(tool), "clips_per_s");
            if (v.isEmpty()) {
                continue;
            }
            reps = Math.max(reps, v.size());
            double m = median(v);
            med.put(tool, m);
            tools.add(tool);
            names.add(String.format(Locale.ROOT, "%s: %,.0f", SHORT.get(tool), m));
            medians.add(m);
            perTool.add(v);
        }
        if (names.isEmpty()) {
            return null;
        }
        // the machine goes under the axis: with it, the ratios overflowed the title's one line
        StringBuilder title = new StringBuilder("W1, median of ").append(reps).append(" runs");
        if (med.containsKey("etab") && med.containsKey("reference")) {
            title.append(
                    String.format(Locale.ROOT, ": etab = %.1fx the reference", med.get("etab") / med.get("reference")));
        }
        if (med.containsKey("etab") && med.containsKey("pyav")) {
            title.append(
                    String.format(Locale.ROOT, ", %.1fx the tuned PyAV loader", med.get("etab") / med.get("pyav")));
        }
        if (med.containsKey("etab") && med.containsKey("ceiling_ffmpeg")) {
            title.append(String.format(
                    Locale.ROOT, ", %.0f %% of the ffmpeg ceiling", 100 * med.get("etab") / med.get("ceiling_ffmpeg")));
        }
        CategoryChart c = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title.toString())
                .xAxisTitle((machine.isEmpty() ? "" : machine + "; ")
                        + "32-frame clips, 3 x 112 x 112 float32, batch 20; 2 threads / workers / processes "
                        + "(bar: median; dots: the single runs)")
                .yAxisTitle("clips per second")
                .build();
        style(c.getStyler());
        c.getStyler().setLegendVisible(false);
        c.getStyler().setYAxisDecimalPattern("#,##0");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setOverlapped(true);
        // one series per tool (same category axis, 0 in the other categories) so each bar gets its own colour;
        // the median is in the category name
        for (int k = 0; k < names.size(); k++) {
            List<Double> y = new ArrayList<>();
            for (int j = 0; j < names.size(); j++) {
                y.add(j == k ? medians.get(k) : 0.0);
            }
            c.addSeries(names.get(k), names, y).setFillColor(COLORS.getOrDefault(tools.get(k), Color.GRAY));
        }
        for (int rep = 0; rep < reps; rep++) {
            List<Double> y = new ArrayList<>();
            for (List<Double> v : perTool) {
                y.add(rep < v.size() ? v.get(rep) : null);
            }
            CategorySeries dots = c.addSeries("run " + (rep + 1), names, y);
            dots.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
            dots.setMarker(SeriesMarkers.CIRCLE);
            dots.setMarkerColor(Color.BLACK);
        }
        return c;
    }

    /** Median clips/s vs threads (etab), workers (reference), processes (ceiling): grouped bars with values. */
    static CategoryChart threads(List<Run> runs, String machine) {
        List<Run> rs =
                runs.stream().filter(r -> r.s("series").equals("threads")).collect(Collectors.toList());
        if (rs.isEmpty()) {
            return null;
        }
        TreeSet<Integer> threads = rs.stream().map(r -> r.i("threads")).collect(Collectors.toCollection(TreeSet::new));
        List<String> categories = threads.stream()
                .map(t -> t + (t == 1 ? " thread / worker / process" : " threads / workers / processes"))
                .collect(Collectors.toList());
        CategoryChart c = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("W1 clips/s vs parallelism (medians" + (machine.isEmpty() ? "" : ", " + machine) + ")")
                .xAxisTitle("etab --threads  |  reference DataLoader num_workers  |  ceiling: decoding processes")
                .yAxisTitle("clips per second")
                .build();
        style(c.getStyler());
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsPosition(1.0);
        c.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        c.getStyler().setLabelsFontColorAutomaticEnabled(false);
        c.getStyler().setLabelsFontColor(Color.BLACK);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("#,##0");
        StringBuilder scale = new StringBuilder();
        for (String tool : LABELS.keySet()) {
            List<Double> y = new ArrayList<>();
            for (int t : threads) {
                y.add(median(values(rs, r -> r.s("tool").equals(tool) && r.i("threads") == t, "clips_per_s")));
            }
            if (y.stream().allMatch(v -> Double.isNaN(v))) {
                continue;
            }
            String name = LABELS.get(tool);
            if (!Double.isNaN(y.get(0)) && !Double.isNaN(y.get(y.size() - 1)) && threads.size() > 1) {
                name += String.format(Locale.ROOT, " (%d vs 1: %.2fx)", threads.last(), y.get(y.size() - 1) / y.get(0));
            }
            c.addSeries(
                            name,
                            categories,
                            y.stream().map(v -> Double.isNaN(v) ? 0.0 : v).collect(Collectors.toList()))
                    .setFillColor(COLORS.get(tool));
        }
        return c;
    }

    /** Peak memory vs dataset size: etab (its one process), reference (main + workers, RSS and PSS). */
    static CategoryChart memoryBySize(List<Run> runs) {
        List<Run> rs =
                runs.stream().filter(r -> r.s("series").equals("dataset")).collect(Collectors.toList());
        if (rs.isEmpty()) {
            return null;
        }
        TreeSet<Integer> sizes = rs.stream().map(r -> r.i("videos")).collect(Collectors.toCollection(TreeSet::new));
        List<String> categories = sizes.stream()
                .map(n -> n + " videos (" + (3 * n / 4) + " TRAIN)")
                .collect(Collectors.toList());
        CategoryChart c = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("Peak memory vs dataset size (W1, 2 threads / 2 workers; medians)")
                .xAxisTitle("phantom EchoNet dataset")
                .yAxisTitle("peak resident memory (MiB)")
                .build();
        style(c.getStyler());
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsPosition(1.0);
        c.getStyler().setLabelsFontColorAutomaticEnabled(false);
        c.getStyler().setLabelsFontColor(Color.BLACK);
        c.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        c.getStyler().setYAxisDecimalPattern("#,##0");
        c.getStyler().setYAxisMin(0.0);
        addBySize(
                c,
                rs,
                sizes,
                categories,
                "etab",
                "peak_rss_mb",
                "etab: JVM peak RSS (one process)",
                COLORS.get("etab"));
        addBySize(
                c,
                rs,
                sizes,
                categories,
                "reference",
                "tree_rss_mb",
                "reference: sum of RSS, main + workers",
                COLORS.get("reference"));
        addBySize(
                c,
                rs,
                sizes,
                categories,
                "reference",
                "tree_pss_mb",
                "reference: sum of PSS, main + workers",
                new Color(0xff9896));
        return c;
    }

    private static void addBySize(
            CategoryChart c,
            List<Run> rs,
            TreeSet<Integer> sizes,
            List<String> categories,
            String tool,
            String key,
            String name,
            Color color) {
        List<Double> y = new ArrayList<>();
        for (int n : sizes) {
            double m = median(values(rs, r -> r.s("tool").equals(tool) && r.i("videos") == n, key));
            y.add(Double.isNaN(m) ? 0.0 : m);
        }
        if (y.stream().anyMatch(v -> v > 0)) {
            c.addSeries(name, categories, y).setFillColor(color);
        }
    }

    /** etab's peak RSS vs --prefetch: every run as a point, the median as a line. */
    static XYChart memoryByPrefetch(List<Run> runs) {
        List<Run> rs = runs.stream()
                .filter(r -> r.s("series").equals("prefetch") && r.s("tool").equals("etab"))
                .collect(Collectors.toList());
        if (rs.isEmpty()) {
            return null;
        }
        TreeSet<Integer> depths = rs.stream().map(r -> r.i("prefetch")).collect(Collectors.toCollection(TreeSet::new));
        XYChart c = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("etab peak memory vs prefetch depth (W1, 200 videos, 2 threads)")
                .xAxisTitle("--prefetch (pool bound: 2 threads + prefetch + 2 batches of 92 MiB float32)")
                .yAxisTitle("peak resident memory (MiB)")
                .build();
        style(c.getStyler());
        c.getStyler().setYAxisDecimalPattern("#,##0");
        c.getStyler().setXAxisDecimalPattern("0");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        double[] x = depths.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] y = depths.stream()
                .mapToDouble(p -> median(values(rs, r -> r.i("prefetch") == p, "peak_rss_mb")))
                .toArray();
        XYSeries m = c.addSeries("median peak RSS", x, y);
        m.setMarker(SeriesMarkers.CIRCLE);
        m.setLineColor(COLORS.get("etab"));
        m.setMarkerColor(COLORS.get("etab"));
        double[] px = rs.stream().mapToDouble(r -> r.i("prefetch")).toArray();
        double[] py = rs.stream().mapToDouble(r -> r.d("peak_rss_mb")).toArray();
        XYSeries all = c.addSeries("each run", px, py);
        all.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        all.setMarker(SeriesMarkers.DIAMOND);
        all.setMarkerColor(new Color(0xaec7e8));
        return c;
    }

    private static void style(Styler s) {
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setBaseFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setAntiAlias(true);
        if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
            a.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            a.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            a.setPlotGridLinesColor(new Color(0xdddddd));
        }
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    private static void write(Chart<?, ?> chart, Path file) throws IOException {
        if (chart == null) {
            return;
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
        System.out.println("wrote " + file);
    }
}
