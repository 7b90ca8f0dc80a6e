// Raw fetch throughput of HttpStore: every video of a phantom, 16 requests at once, 4 passes.
// Run from the repo root after ./etab --version (which builds):
//   java -cp "bench/target/etab-bench.jar:$(cat bench/target/classpath.txt)" bench/remote/FetchBench.java \
//       http://127.0.0.1:PORT phantom/echonet/Videos
import java.net.URI;
import java.nio.file.*;
import java.util.*;
import org.etab.storage.HttpStore;
import org.etab.storage.HttpStoreOptions;
import reactor.core.publisher.Flux;
public class FetchBench {
  public static void main(String[] a) throws Exception {
    List<String> names = new ArrayList<>();
    try (var s = Files.list(Path.of(a[1]))) { s.forEach(p -> names.add("Videos/" + p.getFileName())); }
    try (HttpStore store = HttpStore.open(URI.create(a[0]), HttpStoreOptions.builder().build())) {
      for (int rep = 0; rep < 4; rep++) {
        long t0 = System.nanoTime();
        long bytes = Flux.fromIterable(names).flatMap(store::get, 16).map(b -> (long) b.remaining()).reduce(0L, Long::sum).block();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d objects, %.1f MB in %.3f s = %.0f MB/s, %.0f objects/s%n", names.size(), bytes / 1e6, s, bytes / 1e6 / s, names.size() / s);
      }
    }
  }
}
