package org.lafia.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Francophone West-African names as they are met in Togo's regions: Ewe and Mina in the south,
 * Tem and Kabiyè in the centre and Kara, Moba and Hausa in the Savanes, Arabic-origin names among
 * Muslims everywhere, a French Christian name before the Ewe one for many in the south. Written for
 * Lafia ({@code demo/tg/names.json}); the matching tests of the client registry will need exactly
 * these variations.
 */
public final class DemoNames {
  /** A person's name: family name, given names in order, and the origin its lists came from. */
  public record Name(String family, List<String> given, String origin) {}

  private final JsonNode data;

  private DemoNames(JsonNode data) {
    this.data = data;
  }

  public static DemoNames togo() {
    try (InputStream in = DemoNames.class.getResourceAsStream("/demo/tg/names.json")) {
      if (in == null) throw new IllegalStateException("demo/tg/names.json is missing from the build");
      return new DemoNames(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A name for someone from {@code region} (COD-AB P-code, e.g. TG03). */
  public Name name(String region, boolean female, SplittableRandom rnd) {
    String origin = origin(region, rnd);
    JsonNode lists = data.get("origins").get(origin);
    String sex = female ? "female" : "male";
    List<String> given = new ArrayList<>(2);
    if (rnd.nextDouble() < data.get("christianFirst").get(origin).asDouble()) given.add(pick(data.get("christian").get(sex), rnd));
    given.add(pick(lists.get(sex), rnd));
    return new Name(pick(lists.get("family"), rnd), List.copyOf(given), origin);
  }

  /** Every given name the lists hold for a sex (tests check generated names against them). */
  public List<String> givenNames(boolean female) {
    String sex = female ? "female" : "male";
    List<String> out = new ArrayList<>();
    data.get("origins").forEach(o -> o.get(sex).forEach(n -> out.add(n.asText())));
    data.get("christian").get(sex).forEach(n -> out.add(n.asText()));
    return out;
  }

  private String origin(String region, SplittableRandom rnd) {
    JsonNode weights = data.get("regions").get(region);
    if (weights == null) throw new IllegalArgumentException("No name weights for region " + region);
    double x = rnd.nextDouble();
    String last = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = weights.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      last = e.getKey();
      x -= e.getValue().asDouble();
      if (x < 0) return last;
    }
    return last;
  }

  private static String pick(JsonNode list, SplittableRandom rnd) {
    return list.get(rnd.nextInt(list.size())).asText();
  }
}
