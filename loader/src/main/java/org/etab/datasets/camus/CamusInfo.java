package org.etab.datasets.camus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.etab.decode.DatasetException;
import org.etab.decode.Deadline;
import org.etab.source.CsvColumns;
import org.etab.source.DatasetFiles;
import org.etab.source.PlanLoop;

/**
 * One CAMUS {@code Info_2CH.cfg} / {@code Info_4CH.cfg}: {@code Key: value} lines describing a patient's
 * sequence for one view.
 *
 * <p>Contract:
 * <ul>
 *   <li>Keys are matched as written (case-sensitive, trimmed); every key is kept, known or not, and
 *       {@link #get} returns its trimmed text. Blank lines are skipped; a non-blank line without {@code :},
 *       a key given twice, or a file over {@value #MAX_BYTES} bytes is a {@link DatasetException}.</li>
 *   <li>Required: {@code ED}, {@code ES} (1-based frame numbers, as written; ED may come after ES) and
 *       {@code NbFrame}, each an integer >= 1 with ED and ES at most NbFrame. Optional: {@code LVef}
 *       (original release) or {@code EF} (2023 release) as {@link #ef()}, {@code FrameRate} (2023), and, as text only,
 *       {@code ImageQuality}, {@code Sex}, {@code Age}, {@code LVedv}, {@code LVesv}.</li>
 *   <li>A value of ED, ES, NbFrame, LVef/EF or FrameRate that is not a valid number is a {@link DatasetException}
 *       naming the file, the key and the value, raised by {@link #read} (so a bad file fails once, up front); the
 *       other keys are not checked, since no target is made from them.</li>
 * </ul>
 *
 * <p>Threading: immutable once read.
 */
public final class CamusInfo {
    /** The largest file accepted; real ones are about 100 bytes. */
    static final int MAX_BYTES = 64 * 1024;

    /** A UTF-8 byte order mark (EF BB BF) as the ISO-8859-1 text the file is read as. */
    private static final String UTF8_BOM = "\u00EF\u00BB\u00BF";

    private final Path file;
    private final Map<String, String> values;
    private final int ed;
    private final int es;
    private final int nbFrame;
    private final OptionalDouble ef;
    private final String efProblem;
    private final OptionalDouble frameRate;

    private CamusInfo(Path file, Map<String, String> values) {
        this.file = file;
        this.values = Collections.unmodifiableMap(values);
        this.nbFrame = positiveInt("NbFrame");
        if (nbFrame > PlanLoop.MAX_VIDEO_FRAMES) {
            throw bad("NbFrame", "must be at most " + PlanLoop.MAX_VIDEO_FRAMES);
        }
        this.ed = frame("ED");
        this.es = frame("ES");
        // an EF that is empty or not a number costs only the EF and CM samples, as a missing one does
        String efKey = values.containsKey("LVef") ? "LVef" : "EF";
        OptionalDouble parsed;
        String problem = null;
        try {
            parsed = optionalDouble(efKey);
        } catch (DatasetException e) {
            parsed = OptionalDouble.empty();
            problem = efKey + " '" + abbreviate(values.get(efKey)) + "' is not a finite number";
        }
        if (parsed.isPresent() && !(parsed.getAsDouble() >= 0 && parsed.getAsDouble() <= 100)) {
            parsed = OptionalDouble.empty();
            problem = efKey + " '" + abbreviate(values.get(efKey)) + "' is not a percentage from 0 to 100";
        }
        this.ef = parsed;
        this.efProblem = problem;
        OptionalDouble rate = optionalDouble("FrameRate");
        if (rate.isPresent()
                && !(rate.getAsDouble() >= PlanLoop.MIN_VIDEO_FPS && rate.getAsDouble() <= PlanLoop.MAX_VIDEO_FPS)) {
            throw bad("FrameRate", "must be " + (int) PlanLoop.MIN_VIDEO_FPS + " to " + (int) PlanLoop.MAX_VIDEO_FPS);
        }
        this.frameRate = rate;
        // Age, LVedv, LVesv and the rest are kept as text, unchecked: no target is made from them, so an odd value
        // there must not cost the view
    }

    /**
     * Reads {@code cfg}.
     *
     * @param cfg an {@code Info_2CH.cfg} or {@code Info_4CH.cfg} file, at most {@value #MAX_BYTES} bytes
     * @return its values, checked
     * @throws DatasetException when the file is missing, unreadable, malformed, lacks ED/ES/NbFrame, or holds a
     *                          bad number; the message names the file (and the key and value)
     */
    public static CamusInfo read(Path cfg) {
        String text;
        try {
            if (!Files.isRegularFile(cfg)) {
                throw new DatasetException(cfg, Files.exists(cfg) ? "is not a regular file" : "not found");
            }
            long size = Files.size(cfg);
            if (size > MAX_BYTES) {
                throw new DatasetException(
                        cfg, "is " + size + " bytes, more than the " + MAX_BYTES + " an Info_*.cfg can be");
            }
            byte[] bytes = Files.readAllBytes(cfg);
            text = new String(bytes, StandardCharsets.ISO_8859_1); // keys and numbers are ASCII
        } catch (IOException | SecurityException e) {
            throw new DatasetException(
                    cfg,
                    "cannot be read: " + Objects.requireNonNullElse(CsvColumns.interruptedReading(e), e.toString()),
                    e);
        }
        return parse(cfg, text);
    }

    /**
     * Reads {@code cfg} as {@code files} opens a dataset's files (a regular file under the root, the same file it
     * checked), naming it {@code name} (its checked real path) in messages.
     *
     * @throws DatasetException as {@link #read(Path)}, or when {@code files} refuses the file
     */
    static CamusInfo read(Path cfg, Path name, DatasetFiles files) {
        String text;
        try (SeekableByteChannel channel = files.open(cfg, Deadline.NONE)) {
            long size = channel.size();
            if (size > MAX_BYTES) {
                throw new DatasetException(
                        name, "is " + size + " bytes, more than the " + MAX_BYTES + " an Info_*.cfg can be");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // a file that shrank since its size was read simply ends early
            }
            text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new DatasetException(
                    name,
                    "cannot be read: " + Objects.requireNonNullElse(CsvColumns.interruptedReading(e), e.toString()),
                    e);
        }
        return parse(name, text);
    }

    private static CamusInfo parse(Path cfg, String text) {
        // the text is ISO-8859-1 (keys and numbers are ASCII), so a UTF-8 byte order mark (a cfg saved by an editor
        // that writes one) is three characters here, not one U+FEFF; left in place it became part of the first key,
        // and a cfg starting 'ED: 1' was refused as having no ED
        if (text.startsWith(UTF8_BOM)) {
            text = text.substring(UTF8_BOM.length());
        }
        Map<String, String> values = new LinkedHashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new DatasetException(cfg, "line " + (i + 1) + " is not 'Key: value': '" + abbreviate(line) + "'");
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (values.putIfAbsent(key, value) != null) {
                throw new DatasetException(cfg, "key " + key + " appears twice (line " + (i + 1) + ")");
            }
        }
        return new CamusInfo(cfg, values);
    }

    /** {@return the end-diastolic frame number, 1-based as written (1..NbFrame)} */
    public int ed() {
        return ed;
    }

    /** {@return the end-systolic frame number, 1-based as written (1..NbFrame)} */
    public int es() {
        return es;
    }

    /** {@return the frames in the sequence ({@code NbFrame}, >= 1)} */
    public int nbFrame() {
        return nbFrame;
    }

    /** {@return the ejection fraction in percent: {@code LVef} (original release) or {@code EF} (2023), if present} */
    public OptionalDouble ef() {
        return ef;
    }

    /** {@return why the cfg's {@code LVef}/{@code EF} is unusable (empty, not a finite number), or null} */
    public String efProblem() {
        return efProblem;
    }

    /** {@return the frames per second ({@code FrameRate}, 2023 release only; > 0), if present} */
    public OptionalDouble frameRate() {
        return frameRate;
    }

    /** {@return {@code ImageQuality} as written (Good, Medium, Poor), if present} */
    public Optional<String> imageQuality() {
        return Optional.ofNullable(values.get("ImageQuality"));
    }

    /**
     * The value of one key.
     *
     * @param key the key as written (case-sensitive)
     * @return the trimmed value as written, or null when the file does not have the key
     */
    public String get(String key) {
        return values.get(key);
    }

    /** {@return every key and value in file order; unmodifiable} */
    public Map<String, String> values() {
        return values;
    }

    /** {@return the file read} */
    public Path file() {
        return file;
    }

    private int frame(String key) {
        int v = positiveInt(key);
        if (v > nbFrame) {
            throw bad(key, "is after the last frame (NbFrame " + nbFrame + ")");
        }
        return v;
    }

    private int positiveInt(String key) {
        String raw = values.get(key);
        if (raw == null) {
            throw new DatasetException(file, "has no " + key);
        }
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            double d = parse(key, raw);
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw bad(key, "is not an integer");
            }
            v = (int) d;
        }
        if (v < 1) {
            throw bad(key, "must be >= 1");
        }
        return v;
    }

    private OptionalDouble optionalDouble(String key) {
        String raw = values.get(key);
        return raw == null ? OptionalDouble.empty() : OptionalDouble.of(parse(key, raw));
    }

    private double parse(String key, String raw) {
        double d;
        try {
            d = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw bad(key, "is not a number");
        }
        if (!Double.isFinite(d)) {
            throw bad(key, "is not a finite number");
        }
        return d;
    }

    private DatasetException bad(String key, String why) {
        return new DatasetException(file, key + " '" + abbreviate(values.get(key)) + "' " + why);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    @Override
    public String toString() {
        return "CamusInfo[" + file + ": ED " + ed + ", ES " + es + ", NbFrame " + nbFrame + "]";
    }
}
