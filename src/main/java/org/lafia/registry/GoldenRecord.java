package org.lafia.registry;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.lafia.registry.matching.Names;
import org.lafia.registry.matching.PersonRecord;

/**
 * A person's best knowledge, made from their source records (one per facility that registered
 * them) by survivorship rules per field, each value with the record it came from and the rule
 * that chose it, so that a steward sees why:
 *
 * <ul>
 *   <li>names and sex: the <b>most frequent</b> among the records (spellings compared as the
 *       matching compares them: case and accents aside), the most recent on a tie;
 *   <li>birth date: the <b>most precise</b> (a full date over a month, over a year; a 1 January
 *       placeholder counts as the year only), then the most frequent, then the most recent;
 *   <li>phone and address: the <b>most recent</b> record that has one (people move and change
 *       numbers; the last desk to see them knows best).
 * </ul>
 */
final class GoldenRecord {
  /** A source record and when it was last written. */
  record Source(PersonRecord record, OffsetDateTime updated) {}

  /** One field of the golden record: its value, the record it came from, and the rule. */
  record Value(String value, String source, String rule) {}

  private GoldenRecord() {}

  static Map<String, Value> of(List<Source> sources) {
    // Most recent first: every rule's last tie-break.
    List<Source> recent = new ArrayList<>(sources);
    recent.sort(Comparator.comparing(Source::updated).reversed().thenComparing(s -> s.record().id()));
    Map<String, Value> out = new LinkedHashMap<>();
    put(out, "family", frequent(recent, PersonRecord::family));
    put(out, "given", frequent(recent, PersonRecord::given));
    put(out, "sex", frequent(recent, PersonRecord::sex));
    put(out, "birthDate", birthDate(recent));
    put(out, "phone", latest(recent, PersonRecord::phone));
    put(out, "address", latest(recent, r -> join(r.address(), r.address2())));
    put(out, "city", latest(recent, PersonRecord::city));
    put(out, "district", latest(recent, PersonRecord::district));
    return out;
  }

  private static void put(Map<String, Value> out, String field, Value v) {
    if (v != null) out.put(field, v);
  }

  private static Value frequent(List<Source> recent, Function<PersonRecord, String> field) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Source s : recent) {
      String v = field.apply(s.record());
      if (!blank(v)) counts.merge(Names.clean(v), 1, Integer::sum);
    }
    if (counts.isEmpty()) return null;
    int best = counts.values().stream().max(Integer::compare).orElse(0);
    for (Source s : recent) { // the most recent of the most frequent, as it was written there
      String v = field.apply(s.record());
      if (!blank(v) && counts.get(Names.clean(v)) == best) {
        return new Value(v.strip(), s.record().id(), best > 1 ? "most-frequent" : "most-recent");
      }
    }
    return null;
  }

  private static Value latest(List<Source> recent, Function<PersonRecord, String> field) {
    for (Source s : recent) {
      String v = field.apply(s.record());
      if (!blank(v)) return new Value(v.strip(), s.record().id(), "most-recent");
    }
    return null;
  }

  private static Value birthDate(List<Source> recent) {
    int precision = -1;
    for (Source s : recent) precision = Math.max(precision, precision(s.record().birthDate()));
    if (precision < 0) return null;
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Source s : recent) {
      String d = s.record().birthDate();
      if (precision(d) == precision) counts.merge(d.strip(), 1, Integer::sum);
    }
    int best = counts.values().stream().max(Integer::compare).orElse(0);
    for (Source s : recent) {
      String d = s.record().birthDate();
      if (precision(d) == precision && counts.get(d.strip()) == best) {
        return new Value(d.strip(), s.record().id(), "most-precise");
      }
    }
    return null;
  }

  /** 3 a full date, 2 a month, 1 a year (or a 1 January placeholder), -1 none. */
  private static int precision(String d) {
    if (blank(d)) return -1;
    String v = d.strip();
    if (v.matches("\\d{4}-\\d{2}-\\d{2}")) return v.endsWith("-01-01") ? 1 : 3;
    if (v.matches("\\d{4}-\\d{2}")) return 2;
    if (v.matches("\\d{4}")) return 1;
    return 0;
  }

  private static String join(String a, String b) {
    if (blank(a)) return blank(b) ? null : b;
    return blank(b) ? a : a + ", " + b;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
