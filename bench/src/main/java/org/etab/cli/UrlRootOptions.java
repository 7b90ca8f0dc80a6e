package org.etab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.etab.storage.HttpStoreOptions;
import picocli.CommandLine.Option;

/**
 * The flags of a URL {@code --root} (how it is fetched and cached), part of {@link SelectionOptions}: turned into the
 * store's options for a URL root, refused naming them with a local one (else they would be silently unused).
 */
final class UrlRootOptions {
    @Option(
            names = "--header",
            paramLabel = "'Name: value'",
            description = "HTTP request header for a URL root (e.g. a token); repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Keep what is fetched whole from a URL root here: index files and videos (LRU).")
    Path cacheDir;

    /** {@code --cache-max-mb} when not given. */
    static final long DEFAULT_CACHE_MAX_MB = 10240;

    /** {@code --fetch-concurrency} when not given. */
    static final int DEFAULT_FETCH_CONCURRENCY = 32;

    // no defaultValue: given with a local root, these are refused (null: not given)
    @Option(
            names = "--cache-max-mb",
            description = "Size bound of --cache-dir, in MiB (default: " + DEFAULT_CACHE_MAX_MB + ").")
    Long cacheMaxMb;

    @Option(
            names = "--fetch-concurrency",
            description = "Requests at once to a URL root (default: " + DEFAULT_FETCH_CONCURRENCY + ").")
    Integer fetchConcurrency;

    @Option(
            names = "--clip-ranges",
            arity = "1",
            paramLabel = "true|false",
            description = "With a URL root, fetch only each clip's frames (a Range request) once a video's layout is "
                    + "known (default: true, false with --cache-dir, which keeps whole videos).")
    Boolean clipRanges;

    /** How a URL root is fetched: headers, concurrency, cache. */
    HttpStoreOptions storeOptions() {
        Map<String, String> h = new LinkedHashMap<>();
        for (String line : headers) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--header must be 'Name: value' but was '" + line + "'");
            }
            h.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        checkValues();
        if (cacheMaxMb != null && cacheDir == null) { // else silently unused: nothing is cached without a directory
            throw new IllegalArgumentException(
                    "--cache-max-mb bounds the --cache-dir cache, and no --cache-dir was given");
        }
        return HttpStoreOptions.builder()
                .headers(h)
                .maxConcurrency(fetchConcurrency != null ? fetchConcurrency : DEFAULT_FETCH_CONCURRENCY)
                .cacheDir(cacheDir)
                .cacheMaxBytes((cacheMaxMb != null ? cacheMaxMb : DEFAULT_CACHE_MAX_MB) << 20)
                .build();
    }

    /** {@code --clip-ranges}, or its default: ranges unless a cache keeps whole videos. */
    boolean clipRanges() {
        return clipRanges != null ? clipRanges : cacheDir == null;
    }

    /**
     * With a local root: refuses the flags that apply to a URL root only, when given (else they would be silently
     * unused), after checking their values as a URL root would.
     *
     * @param root {@code --root} as given, or null (the config's directory)
     */
    void refuseFor(String root) {
        checkValues();
        List<String> given = new ArrayList<>();
        if (!headers.isEmpty()) {
            given.add("--header");
        }
        if (cacheDir != null) {
            given.add("--cache-dir");
        }
        if (cacheMaxMb != null) {
            given.add("--cache-max-mb");
        }
        if (fetchConcurrency != null) {
            given.add("--fetch-concurrency");
        }
        if (clipRanges != null) {
            given.add("--clip-ranges");
        }
        if (!given.isEmpty()) {
            String flags = given.size() == 1
                    ? given.get(0) + " applies"
                    : String.join(", ", given.subList(0, given.size() - 1)) + " and " + given.get(given.size() - 1)
                            + " apply";
            throw new IllegalArgumentException(flags + " to a URL --root only, not to "
                    + (root != null ? "the directory " + Terminal.safe(root) : "a dataset directory"));
        }
    }

    /** The values of {@code --cache-max-mb} and {@code --fetch-concurrency}, named by their flags. */
    private void checkValues() {
        long mb = cacheMaxMb != null ? cacheMaxMb : DEFAULT_CACHE_MAX_MB;
        if (mb < 1 || mb > Long.MAX_VALUE >> 20) { // in bytes, it must stay a long
            throw new IllegalArgumentException(
                    "--cache-max-mb must be 1.." + (Long.MAX_VALUE >> 20) + " but was " + mb);
        }
        int fetch = fetchConcurrency != null ? fetchConcurrency : DEFAULT_FETCH_CONCURRENCY;
        if (fetch < 1) { // HttpStoreOptions checks the same, naming no flag
            throw new IllegalArgumentException("--fetch-concurrency must be >= 1 but was " + fetch);
        }
    }
}
