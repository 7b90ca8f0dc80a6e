package org.etab.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;

/**
 * The configuration file ({@code config/etab.yaml}): dataset directories and pipeline defaults.
 * Precedence, lowest first: built-in defaults, the file, environment variables (one per dataset,
 * {@link DatasetProvider#environmentVariable()}: {@code ETAB_ECHONET_DIR}, ...), command-line flags. The file's
 * dataset keys are the registered datasets' {@link DatasetProvider#configKey() config keys} ({@code echonet_dir},
 * ...); unknown keys are an error naming the key and the file. Relative directories in the file are resolved
 * against the file's own directory. Immutable.
 */
public final class EtabConfig {
    /** The largest config file read; the shipped one is under 2 KB. */
    public static final long MAX_BYTES = 1 << 20;

    /**
     * The longest line read, in characters: a path is at most 4,096 bytes on Linux. A longer one is refused before
     * the YAML parser sees it, which re-copies its window for every buffer of a long token (a 1 MiB scalar or
     * comment allocated ~1 GB, most of a 1.5 GB peak RSS).
     */
    public static final int MAX_LINE_CHARS = 16 * 1024;

    private static final String PIPELINE = "pipeline";
    private static final String EXTRA_ROOTS = "extra_roots";

    /** By dataset name; absent when not configured. */
    private final Map<String, Path> directories;

    private final PipelineDefaults pipeline;
    private final List<Path> extraRoots;
    private final Path file; // null: built-in defaults

    private EtabConfig(Map<String, Path> directories, PipelineDefaults pipeline, List<Path> extraRoots, Path file) {
        this.directories = Map.copyOf(directories);
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.extraRoots = List.copyOf(extraRoots);
        this.file = file;
    }

    /**
     * The file's {@code pipeline} section: defaults the command line uses where no flag is given. Any key left out
     * keeps the built-in value ({@link #BUILT_IN}); in a config returned by {@link EtabConfig#load} every component is
     * set. Values are checked where they are used, not here.
     *
     * @param batch      samples per batch ({@code batch})
     * @param threads    decode threads; 0: all cores ({@code threads})
     * @param prefetch   batches assembled ahead beyond one per thread ({@code prefetch})
     * @param clipLength frames per clip, ETAB's {@code clip_l} ({@code clip_length})
     * @param fps        clip frame rate, ETAB's {@code fps}; 0: the file's own ({@code fps})
     * @param frameSize  {@code LxW} (ETAB's {@code frame_l x frame_w}, e.g. {@code 112x112}) or {@code native}
     *                   ({@code frame_size})
     * @param normalize  ImageNet normalization ({@code normalize})
     * @param padding    pad short clips with zero frames ({@code padding})
     * @param seed       the seed of record order and clip starts ({@code seed})
     */
    public record PipelineDefaults(
            @JsonProperty("batch") Integer batch,
            @JsonProperty("threads") Integer threads,
            @JsonProperty("prefetch") Integer prefetch,
            @JsonProperty("clip_length") Integer clipLength,
            @JsonProperty("fps") Double fps,
            @JsonProperty("frame_size") String frameSize,
            @JsonProperty("normalize") Boolean normalize,
            @JsonProperty("padding") Boolean padding,
            @JsonProperty("seed") Long seed) {

        /** Workload W1's settings: batch 20, all cores, prefetch 2, 32 frames at 25 fps, 112x112, normalized. */
        public static final PipelineDefaults BUILT_IN =
                new PipelineDefaults(20, 0, 2, 32, 25.0, "112x112", true, true, 42L);

        PipelineDefaults over(PipelineDefaults base) {
            return new PipelineDefaults(
                    batch != null ? batch : base.batch,
                    threads != null ? threads : base.threads,
                    prefetch != null ? prefetch : base.prefetch,
                    clipLength != null ? clipLength : base.clipLength,
                    fps != null ? fps : base.fps,
                    frameSize != null ? frameSize : base.frameSize,
                    normalize != null ? normalize : base.normalize,
                    padding != null ? padding : base.padding,
                    seed != null ? seed : base.seed);
        }
    }

    /**
     * Built-in defaults only, no directories; the environment is not read.
     *
     * @return a config with {@link PipelineDefaults#BUILT_IN}, no dataset directory and no extra root
     */
    public static EtabConfig builtIn() {
        return new EtabConfig(Map.of(), PipelineDefaults.BUILT_IN, List.of(), null);
    }

    /**
     * Reads a config file and applies the environment on top.
     *
     * @param file the YAML file; an empty file is the built-in defaults
     * @param env  the environment, e.g. {@code System.getenv()}: each dataset's directory variable that is set and
     *             not blank overrides the file
     * @return the config
     * @throws IllegalArgumentException naming the file and the reason (not a regular file, over {@value #MAX_BYTES}
     *                                  bytes, unreadable, bad YAML, unknown key)
     */
    public static EtabConfig load(Path file, Map<String, String> env) {
        // strict, so that a file means one thing: no unknown key, no key twice, no second document, and a value
        // of the kind the key takes (no 2.7 read as 2, no "4" as 4, no 1 as true)
        YAMLMapper yaml = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // nor 0x70 (YAML's hexadecimal 112) or yes (YAML's true) as the text "112" or "true"
                .withCoercionConfig(
                        LogicalType.Textual,
                        c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        Path base = file.toAbsolutePath().getParent();
        Map<String, Path> dirs = new LinkedHashMap<>();
        PipelineDefaults pipeline = PipelineDefaults.BUILT_IN;
        List<Path> extraRoots = new ArrayList<>();
        try {
            String text = read(file);
            refuseLongLines(file, text);
            refuseAliases(yaml, file, text);
            JsonNode root = yaml.readTree(text);
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!root.isObject()) {
                    throw new IllegalArgumentException(file + ": not a valid config: expected 'key: value' lines");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getKey().equals(PIPELINE)) {
                        pipeline = pipeline(yaml, file, e.getValue());
                        continue;
                    }
                    if (e.getKey().equals(EXTRA_ROOTS)) {
                        for (Path dir : extraRoots(file, e.getValue())) {
                            extraRoots.add(
                                    dir.isAbsolute() ? dir : base.resolve(dir).normalize());
                        }
                        continue;
                    }
                    DatasetProvider dataset = byConfigKey(e.getKey(), file);
                    Path dir = directory(file, e.getKey(), e.getValue());
                    if (dir != null) {
                        dirs.put(
                                dataset.name(),
                                dir.isAbsolute() ? dir : base.resolve(dir).normalize());
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not a valid config: " + plainReason(e), e);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": not found", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e, e);
        }
        return new EtabConfig(dirs, pipeline, extraRoots, file).withEnvironment(env);
    }

    private static void refuseLongLines(Path file, String text) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '\n';
            if (c == '\n' || c == '\r') {
                int length = i - start;
                if (length > MAX_LINE_CHARS) {
                    throw new IllegalArgumentException(file + ": line " + line + " is " + length
                            + " characters, more than the " + MAX_LINE_CHARS + " a config line may have");
                }
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                line++;
                start = i + 1;
            }
        }
    }

    /**
     * Refuses YAML aliases ({@code *name}): Jackson's tree gives an alias as the text of its name, not the value
     * anchored, so {@code prefetch: *b} would read as "b" (or a path named after the anchor).
     */
    private static void refuseAliases(YAMLMapper yaml, Path file, String text) throws IOException {
        try (YAMLParser p = (YAMLParser) yaml.getFactory().createParser(text)) {
            while (p.nextToken() != null) {
                if (p.isCurrentAlias()) {
                    throw aliasRefused(file, p.currentLocation().getLineNr(), p.getText());
                }
            }
        } catch (JsonProcessingException e) {
            // an alias where a key goes: the parser stops at it, naming SnakeYAML's event
            Matcher m = ALIAS_EVENT.matcher(String.valueOf(e.getOriginalMessage()));
            if (m.find()) {
                throw aliasRefused(
                        file, e.getLocation() == null ? -1 : e.getLocation().getLineNr(), m.group(1));
            }
            throw e;
        }
    }

    private static final Pattern ALIAS_EVENT = Pattern.compile("AliasEvent\\(anchor=([^)]*)\\)");

    private static final Pattern DUPLICATE_KEY = Pattern.compile("^Duplicate field '(.*)' for `ObjectNode`");

    /**
     * The parser's reason in the file's terms: a key given twice (with its line) and a second document are said so,
     * rather than in Jackson's words (its feature names); anything else (bad YAML) as the parser says it.
     */
    private static String plainReason(JsonProcessingException e) {
        String reason = String.valueOf(e.getOriginalMessage());
        String line = e.getLocation() != null && e.getLocation().getLineNr() > 0
                ? "line " + e.getLocation().getLineNr() + ": "
                : "";
        Matcher duplicate = DUPLICATE_KEY.matcher(reason);
        if (duplicate.find()) {
            return line + "key '" + duplicate.group(1) + "' given twice (each key once)";
        }
        if (reason.startsWith("Trailing token")) {
            return "a second YAML document (after '---'): a config file holds one";
        }
        return reason;
    }

    private static IllegalArgumentException aliasRefused(Path file, int line, String name) {
        return new IllegalArgumentException(file + (line > 0 ? ": line " + line : "") + ": YAML aliases ('*" + name
                + "') are not supported; write the value itself");
    }

    /** The file's text, refused by type and size before it is opened (a FIFO or /dev/zero never ends). */
    private static String read(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(
                    file + ": not a regular file (a directory, FIFO or device): refused" + " unread");
        }
        if (attributes.size() > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": is " + attributes.size() + " bytes, more than the " + MAX_BYTES
                    + " a config file may have");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException(file + ": grew past " + MAX_BYTES + " bytes while being read");
            }
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString(); // malformed: throws
        }
    }

    /**
     * This config with each dataset's directory variable ({@code ETAB_*_DIR}) applied where it is set.
     *
     * @param env the environment, e.g. {@code System.getenv()}; a variable that is blank is ignored
     * @return a new config; this one is not changed
     */
    public EtabConfig withEnvironment(Map<String, String> env) {
        Map<String, Path> dirs = new LinkedHashMap<>(directories);
        for (DatasetProvider p : DatasetRegistry.all()) {
            String v = env.get(p.environmentVariable());
            if (v != null && !v.isBlank()) {
                dirs.put(p.name(), Path.of(v));
            }
        }
        return new EtabConfig(dirs, pipeline, extraRoots, file);
    }

    /**
     * The configured directory of a dataset.
     *
     * @param dataset a registered dataset name, any case
     * @return the directory (absolute when it came from the file), or null when neither the file nor the
     *         environment names one
     * @throws IllegalArgumentException when no such dataset is registered
     */
    public Path directory(String dataset) {
        return directories.get(DatasetRegistry.get(dataset).name());
    }

    /**
     * The pipeline defaults.
     *
     * @return the file's values over the built-in ones; every component set
     */
    public PipelineDefaults pipeline() {
        return pipeline;
    }

    /** {@return the file this config was read from, or null for the built-in defaults} */
    public Path file() {
        return file;
    }

    /**
     * Names a {@code pipeline} setting as the user wrote it, for messages about its value.
     *
     * @param key a key of the {@code pipeline} section, e.g. {@code batch}
     * @return e.g. {@code pipeline.batch in /etc/etab.yaml}, or {@code the built-in pipeline.batch}
     */
    public String describe(String key) {
        return file == null ? "the built-in " + PIPELINE + "." + key : PIPELINE + "." + key + " in " + file;
    }

    /**
     * Directories besides each dataset's root that its files may lead to by links ({@code extra_roots}: a dataset
     * spread over disks); empty by default.
     *
     * @return an immutable list, relative entries of the file resolved against its directory
     */
    public List<Path> extraRoots() {
        return extraRoots;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EtabConfig c
                && directories.equals(c.directories)
                && pipeline.equals(c.pipeline)
                && extraRoots.equals(c.extraRoots);
    }

    @Override
    public int hashCode() {
        return Objects.hash(directories, pipeline, extraRoots);
    }

    @Override
    public String toString() {
        return "EtabConfig[directories=" + directories + ", pipeline=" + pipeline + ", extraRoots=" + extraRoots + "]";
    }

    private static PipelineDefaults pipeline(ObjectMapper yaml, Path file, JsonNode value)
            throws JsonProcessingException {
        if (value.isNull()) {
            return PipelineDefaults.BUILT_IN;
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException(
                    file + ": " + PIPELINE + " must be settings ('key: value' lines under it) but was " + value);
        }
        try {
            return yaml.treeToValue(value, PipelineDefaults.class).over(PipelineDefaults.BUILT_IN);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(
                    file + ": unknown key '" + PIPELINE + "." + e.getPropertyName() + "' (known: "
                            + e.getKnownPropertyIds().stream()
                                    .map(String::valueOf)
                                    .sorted()
                                    .toList() + ")",
                    e);
        } catch (MismatchedInputException e) {
            // Jackson's own message names Java types, not the key the user wrote
            String key = e.getPath().isEmpty()
                    ? "?"
                    : e.getPath().get(e.getPath().size() - 1).getFieldName();
            JsonNode was = value.get(key);
            // YAML reads 0x70, 1_000 or 1e3 as numbers and yes as true, so the text written is gone: say so
            String hint = e.getTargetType() == String.class && was != null && (was.isNumber() || was.isBoolean())
                    ? " (YAML read the value as a " + (was.isNumber() ? "number" : "boolean")
                            + ": put the text in quotes)"
                    : "";
            throw new IllegalArgumentException(
                    file + ": " + PIPELINE + "." + key + " must be " + kind(e.getTargetType()) + " but was " + was
                            + hint,
                    e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": pipeline is not valid: " + e.getMessage(), e);
        }
    }

    private static String kind(Class<?> type) {
        if (type == Integer.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Double.class) {
            return "a number";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        return type == String.class ? "text" : "a " + type.getSimpleName();
    }

    private static DatasetProvider byConfigKey(String key, Path file) {
        List<String> known = new ArrayList<>();
        for (DatasetProvider p : DatasetRegistry.all()) {
            if (p.configKey().equals(key)) {
                return p;
            }
            known.add(p.configKey());
        }
        known.add(PIPELINE);
        known.add(EXTRA_ROOTS);
        throw new IllegalArgumentException(file + ": unknown key '" + key + "' (known: " + known + ")");
    }

    private static List<Path> extraRoots(Path file, JsonNode value) {
        if (value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(
                    file + ": " + EXTRA_ROOTS + " must be a list of directories but was " + value);
        }
        List<Path> out = new ArrayList<>();
        for (JsonNode item : value) {
            Path dir = directory(file, EXTRA_ROOTS, item);
            if (dir != null) {
                out.add(dir);
            }
        }
        return out;
    }

    private static Path directory(Path file, String key, JsonNode value) {
        if (value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new IllegalArgumentException(file + ": " + key + " must be a directory but was " + value);
        }
        try {
            return Path.of(value.asText());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(file + ": " + key + " is not a valid path: " + e.getMessage(), e);
        }
    }
}
