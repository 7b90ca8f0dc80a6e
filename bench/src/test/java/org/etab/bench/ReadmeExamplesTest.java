package org.etab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README's Java and XML come from {@code bench/examples}, the user project that CI compiles against the installed
 * artifacts and runs on phantom data ({@code bench/examples/run-examples.sh}): every Java block is one example's
 * marked region, every marked region is in README, and README's dependency XML is in that project's pom.
 */
class ReadmeExamplesTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path EXAMPLES = REPO.resolve("bench/examples");
    private static final Pattern REGION =
            Pattern.compile("// README: (\\S+) starts\n(.*?)// README: \\1 ends\n", Pattern.DOTALL);

    private static List<String> blocks(String markdown, String language) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```" + language + "\n(.*?)\n```", Pattern.DOTALL)
                .matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<String> regions() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(EXAMPLES.resolve("src/main/java"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = REGION.matcher(Files.readString(f));
                boolean any = false;
                while (m.find()) {
                    out.add(m.group(2).stripTrailing());
                    any = true;
                }
                assertThat(any).as(f + " has a README region").isTrue();
            }
        }
        return out;
    }

    @Test
    void everyJavaBlockIsAnExampleAndEveryExampleIsShown() throws IOException {
        List<String> java = blocks(Files.readString(REPO.resolve("README.md")), "java");
        List<String> regions = regions();
        assertThat(regions).hasSizeGreaterThanOrEqualTo(4);
        assertThat(java).containsExactlyInAnyOrderElementsOf(regions);
    }

    /**
     * README's first XML block (the BOM and etab-loader) is the whole of {@code bench/examples/loader-only}'s
     * dependencies, and that project builds only the examples README says need etab-loader alone: there a class
     * from ND4J, DJL or the CUDA feeder, which the full examples pom has on its class path, would not compile.
     */
    @Test
    void loaderOnlyExamplesAreBuiltWithReadmesFirstBlockAlone() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        String pom = Files.readString(EXAMPLES.resolve("loader-only/pom.xml"));
        Matcher block = Pattern.compile(
                        "<!-- README: dependency block starts -->\n(.*?)\\s*<!-- README: dependency"
                                + " block ends -->\n</dependencies>",
                        Pattern.DOTALL)
                .matcher(pom);
        assertThat(block.find())
                .as("loader-only/pom.xml's marked block, then </dependencies>")
                .isTrue();
        assertThat(blocks(readme, "xml").get(0).strip())
                .isEqualTo(block.group(1).strip() + "\n</dependencies>");
        for (String example : List.of("EtabApiExample", "MetricsExample")) {
            assertThat(pom).contains("<include>org/etab/examples/" + example + ".java</include>");
        }
        assertThat(readme)
                .contains("From `bench/examples/src/main/java/org/etab/examples/EtabApiExample.java`")
                .contains("(`MetricsExample.java`, `etab-loader` only)");
        assertThat(Files.readString(EXAMPLES.resolve("run-examples.sh")))
                .contains("EtabApiExample | MetricsExample) example_cp=$loader_cp ;;");
    }

    @Test
    void readmeDependencyXmlIsInTheExamplesPom() throws IOException {
        List<String> pom = Files.readAllLines(EXAMPLES.resolve("pom.xml")).stream()
                .map(String::strip)
                .toList();
        List<String> xml = blocks(Files.readString(REPO.resolve("README.md")), "xml");
        assertThat(xml).isNotEmpty();
        for (String block : xml) {
            int at = 0;
            for (String line :
                    block.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
                int found = pom.subList(at, pom.size()).indexOf(line);
                assertThat(found)
                        .as("README line in bench/examples/pom.xml after line %d: %s", at, line)
                        .isNotNegative();
                at += found + 1;
            }
        }
    }
}
