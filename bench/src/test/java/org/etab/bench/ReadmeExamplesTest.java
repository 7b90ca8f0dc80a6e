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
