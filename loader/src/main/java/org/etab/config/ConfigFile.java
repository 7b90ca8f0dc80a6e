package org.etab.config;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etab.config.EtabConfig.PipelineDefaults;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;

/**
 * Reads a config file for {@link EtabConfig#load}, strictly, so that a file means one thing: no unknown key, no key
 * twice, no second document, no alias, and a value of the kind the key takes. The text is refused by type, size
 * and line length before the YAML parser sees it; every error names the file and the key.
 */
final class ConfigFile {
    static final String PIPELINE = "pipeline";
    static final String EXTRA_ROOTS = "extra_roots";

    /** What a file says: directories by dataset name and extra roots, relative ones resolved against its directory. */
    record Contents(Map<String, Path> directories, PipelineDefaults pipeline, List<Path> extraRoots) {}

    private ConfigFile() {}

    static Contents read(Path file) {
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
            String text = text(file);
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
                            extraRoots.add(dir.isAbsolute() ? dir : base.resolve(dir));
                        }
                        continue;
                    }
                    DatasetProvider dataset = byConfigKey(e.getKey(), file);
                    Path dir = directory(file, e.getKey(), e.getValue());
                    if (dir != null) {
                        // not normalized: "../data" beside a config reached through a link is where the file
                        // system finds it (the link's target's sibling), not where the text says
                        dirs.put(dataset.name(), dir.isAbsolute() ? dir : base.resolve(dir));
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
        return new Contents(dirs, pipeline, extraRoots);
    }

    private static void refuseLongLines(Path file, String text) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '\n';
            if (c == '\n' || c == '\r') {
                int length = i - start;
                if (length > EtabConfig.MAX_LINE_CHARS) {
                    throw new IllegalArgumentException(file + ": line " + line + " is " + length
                            + " characters, more than the " + EtabConfig.MAX_LINE_CHARS + " a config line may have");
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
    private static String text(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(
                    file + ": not a regular file (a directory, FIFO or device): refused" + " unread");
        }
        if (attributes.size() > EtabConfig.MAX_BYTES) {
            throw new IllegalArgumentException(file + ": is " + attributes.size() + " bytes, more than the "
                    + EtabConfig.MAX_BYTES + " a config file may have");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) EtabConfig.MAX_BYTES + 1);
            if (bytes.length > EtabConfig.MAX_BYTES) {
                throw new IllegalArgumentException(
                        file + ": grew past " + EtabConfig.MAX_BYTES + " bytes while being read");
            }
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString(); // malformed: throws
        }
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
        if (value.isNumber() || value.isBoolean()) {
            // YAML reads 0x70, 1_000 or 1e3 as numbers and yes as true: the directory written is gone, not guessed
            throw new IllegalArgumentException(file + ": " + key + " must be a directory but was " + value
                    + " (YAML read the value as a " + (value.isNumber() ? "number" : "boolean")
                    + ": put the directory in quotes)");
        }
        try {
            return Path.of(value.asText());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(file + ": " + key + " is not a valid path: " + e.getMessage(), e);
        }
    }
}
