import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.JsonParser;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lafia.fhir.index.IndexExtractor;
import org.lafia.fhir.index.IndexRows;
import org.lafia.fhir.index.SearchParamRegistry;

/**
 * The indexing stage of a create, alone, on one thread: HAPI's model of the JSON tree, then its
 * search values — from the whole resource ("model") or from the elements the parameters reach
 * ("view", what the server does for creates). Prints CPU time and allocation per resource.
 */
public class IndexStageBench {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int limit = args.length > 1 ? Integer.parseInt(args[1]) : 40000;
    FhirContext ctx = FhirContext.forR4Cached();
    IndexExtractor extractor = new IndexExtractor(ctx, new SearchParamRegistry(ctx));
    ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    List<ObjectNode> resources = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
        for (JsonNode e : json.readTree(p.toFile()).path("entry")) {
          if (e.get("resource") instanceof ObjectNode r) resources.add(r);
        }
        if (resources.size() >= limit) break;
      }
    }
    System.out.printf("resources=%d from %s%n", resources.size(), dir);
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= 5; round++) {
      for (String mode : new String[] {"model", "view"}) {
        long bytes0 = threads.getCurrentThreadAllocatedBytes(), cpu0 = threads.getCurrentThreadCpuTime();
        long rows = 0;
        for (ObjectNode r : resources) {
          JacksonStructure s = new JacksonStructure();
          s.setNativeObject(mode.equals("view") ? extractor.indexView(r) : r);
          IndexRows x = extractor.extract(((JsonParser) ctx.newJsonParser()).parseResource(s));
          rows += x.size();
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0, bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
        System.out.printf("round=%d mode=%-5s cpu_us_per_resource=%.1f alloc_kb_per_resource=%.1f rows=%d%n", round, mode,
            cpu / 1e3 / resources.size(), bytes / 1024.0 / resources.size(), rows);
      }
    }
  }
}
