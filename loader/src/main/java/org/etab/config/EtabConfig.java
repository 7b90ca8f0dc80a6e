package org.etab.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The configuration file ({@code config/etab.yaml}): dataset directories and pipeline defaults.
 * Precedence, lowest first: built-in defaults, the file, environment variables ({@code ETAB_ECHONET_DIR},
 * {@code ETAB_CAMUS_DIR}, {@code ETAB_TMED_DIR}), command-line flags. Unknown keys are an error naming the
 * key and the file. Relative directories in the file are resolved against the file's own directory.
 */
public record EtabConfig(
        @JsonProperty("echonet_dir") Path echonetDir,
        @JsonProperty("camus_dir") Path camusDir,
        @JsonProperty("tmed_dir") Path tmedDir,
        @JsonProperty("pipeline") PipelineDefaults pipeline) {

    public EtabConfig {
        if (pipeline == null) {
            pipeline = PipelineDefaults.BUILT_IN;
        }
    }

    /** Pipeline defaults; any key left out keeps the built-in value. */
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
        public static final PipelineDefaults BUILT_IN = new PipelineDefaults(20, 0, 2, 32, 25.0, "112x112", true,
                true, 42L);

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

    /** Built-in defaults only, no directories. */
    public static EtabConfig builtIn() {
        return new EtabConfig(null, null, null, PipelineDefaults.BUILT_IN);
    }

    /**
     * Reads a config file and applies the environment on top.
     *
     * @throws IllegalArgumentException naming the file and the reason (unreadable, bad YAML, unknown key)
     */
    public static EtabConfig load(Path file, Map<String, String> env) {
        EtabConfig fromFile;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            String text = Files.readString(file);
            fromFile = text.isBlank() ? builtIn() : yaml.readValue(text, EtabConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown key '" + e.getPropertyName() + "' (known: "
                    + e.getKnownPropertyIds() + ")", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not a valid config: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e, e);
        }
        Path base = file.toAbsolutePath().getParent();
        EtabConfig resolved = new EtabConfig(
                resolve(base, fromFile.echonetDir), resolve(base, fromFile.camusDir), resolve(base, fromFile.tmedDir),
                fromFile.pipeline.over(PipelineDefaults.BUILT_IN));
        return resolved.withEnvironment(env);
    }

    /** This config with {@code ETAB_*_DIR} environment variables applied. */
    public EtabConfig withEnvironment(Map<String, String> env) {
        return new EtabConfig(
                envPath(env, "ETAB_ECHONET_DIR", echonetDir),
                envPath(env, "ETAB_CAMUS_DIR", camusDir),
                envPath(env, "ETAB_TMED_DIR", tmedDir),
                pipeline);
    }

    private static Path envPath(Map<String, String> env, String key, Path fallback) {
        String v = env.get(key);
        return v == null || v.isBlank() ? fallback : Path.of(v);
    }

    private static Path resolve(Path base, Path p) {
        return p == null || p.isAbsolute() ? p : base.resolve(p).normalize();
    }
}
