import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import no.priv.garshol.duke.Cleaner;
import no.priv.garshol.duke.Comparator;
import no.priv.garshol.duke.ConfigurationImpl;
import no.priv.garshol.duke.DataSource;
import no.priv.garshol.duke.Processor;
import no.priv.garshol.duke.Property;
import no.priv.garshol.duke.PropertyImpl;
import no.priv.garshol.duke.Record;
import no.priv.garshol.duke.RecordImpl;
import no.priv.garshol.duke.cleaners.DigitsOnlyCleaner;
import no.priv.garshol.duke.cleaners.LowerCaseNormalizeCleaner;
import no.priv.garshol.duke.cleaners.PhoneNumberCleaner;
import no.priv.garshol.duke.comparators.DiceCoefficientComparator;
import no.priv.garshol.duke.comparators.ExactComparator;
import no.priv.garshol.duke.comparators.JaroWinkler;
import no.priv.garshol.duke.comparators.JaroWinklerTokenized;
import no.priv.garshol.duke.comparators.Levenshtein;
import no.priv.garshol.duke.comparators.NumericComparator;
import no.priv.garshol.duke.comparators.QGramComparator;
import no.priv.garshol.duke.comparators.WeightedLevenshtein;
import no.priv.garshol.duke.databases.LuceneDatabase;
import no.priv.garshol.duke.datasources.InMemoryDataSource;
import no.priv.garshol.duke.matchers.AbstractMatchListener;

/**
 * Benchmark harness: runs the Duke 1.2 engine (no.priv.garshol.duke) on CSV files with Lafia's
 * column mapping and writes pairs in Lafia's format, {@code left_id,right_id,probability,band}.
 *
 * <pre>
 * java -jar duke-run.jar dedup --input X.csv --columns MAPPING --output pairs.csv [options]
 * java -jar duke-run.jar link --left A.csv --right B.csv --columns MAPPING --output pairs.csv [options]
 * </pre>
 *
 * The id column is only an opaque identity property for Duke (never compared). Duke is configured
 * programmatically: one property per mapped field with a cleaner, a comparator and low/high
 * probabilities; an in-memory Lucene database for candidate search; deduplication mode for dedup
 * and record linkage mode (group 1 = left, indexed; group 2 = right, searched) for link.
 */
public final class DukeRun {

  static final String USAGE = String.join("\n",
      "Usage:",
      "  java -jar duke-run.jar dedup --input X.csv --columns MAPPING --output pairs.csv [options]",
      "  java -jar duke-run.jar link --left A.csv --right B.csv --columns MAPPING --output pairs.csv [options]",
      "MAPPING: id=<col>,given=<col>,family=<col>,... fields: " + String.join(", ", fieldsList()),
      "Options:",
      "  --auto-link P       Duke probability from which a pair is auto-link (default 0.95)",
      "  --review P          Duke probability from which a pair is written as review (default 0.7)",
      "  --max-hits N        Lucene max-search-hits per record (default 30)",
      "  --min-relevance F   Lucene min-relevance (default 0)",
      "  --fuzzy true|false  Lucene fuzzy search for fuzzy comparators (default false; Duke's own",
      "                      default is true: about 10x slower here for +0-2 true pairs)",
      "  --single-match true|false  link only: keep only the best match per right record",
      "                      (Duke's --singlematch; default false = all matches above review)",
      "  --threads N         Duke matching threads (default 1)",
      "  --prop SPEC         override a field: field=comparator:low:high[:lookup], comparator one of",
      "                      exact, lev, wlev, jw, jwt, qgram, qgram-dice, qgram-jaccard, numeric; lookup true|false|required|default;",
      "                      several --prop options or ';'-separated specs are allowed",
      "  --combine SPEC      derived property: name=field+field=comparator:low:high[:lookup]; the fields'",
      "                      default: " + defaultCombined() + " (where both fields are mapped);",
      "                      --combine none compares every field on its own;",
      "                      cleaned values joined by a space replace the separate fields (e.g. to",
      "                      see given/family swaps with a token-order-insensitive comparator)",
      "                      comparators also: dice (exact tokens), dice-lev, dice-jw (Dice coefficient",
      "                      over tokens with a Levenshtein/JaroWinkler sub-comparator)",
      "  --config-out FILE   write the effective property table to FILE");

  /** Lafia field names, in Lafia's order. */
  static List<String> fieldsList() {
    return List.of("id", "given", "family", "sex", "birthDate", "phone", "nationalId", "address",
        "address2", "streetNumber", "postalCode", "city", "state", "district");
  }

  /** Per-field configuration: cleaner, comparator, low, high, lookup. */
  record Spec(String comparator, double low, double high, Property.Lookup lookup) {
    @Override public String toString() {
      return comparator + ":" + low + ":" + high + ":" + lookup.name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Defaults for person records, tuned on FEBRL (see bench/mpi-duke.sh). low = probability when the
   * values differ, high = when they are identical; Duke maps a similarity sim >= 0.5 to
   * 0.5 + (high - 0.5) * sim^2 and anything below to low, and combines the properties with Bayes
   * from 0.5. These apply to a field compared on its own; given+family and address+address2 are
   * compared as combined properties by default (see {@link #defaultCombined}).
   */
  static Map<String, Spec> defaults() {
    Map<String, Spec> m = new LinkedHashMap<>();
    m.put("given", new Spec("lev", 0.2, 0.9, Property.Lookup.TRUE));
    m.put("family", new Spec("lev", 0.2, 0.9, Property.Lookup.TRUE));
    m.put("sex", new Spec("exact", 0.3, 0.55, Property.Lookup.FALSE));
    // Levenshtein on YYYYMMDD gives unrelated dates of the same century a similarity of about
    // 0.5-0.75, i.e. positive evidence; exact comparison separates matches and non-matches better.
    m.put("birthDate", new Spec("exact", 0.2, 0.97, Property.Lookup.TRUE));
    m.put("phone", new Spec("lev", 0.3, 0.9, Property.Lookup.TRUE));
    m.put("nationalId", new Spec("lev", 0.2, 0.98, Property.Lookup.TRUE));
    m.put("address", new Spec("wlev", 0.3, 0.85, Property.Lookup.TRUE));
    m.put("address2", new Spec("lev", 0.4, 0.75, Property.Lookup.FALSE));
    m.put("streetNumber", new Spec("exact", 0.3, 0.8, Property.Lookup.FALSE));
    m.put("postalCode", new Spec("lev", 0.2, 0.85, Property.Lookup.TRUE));
    m.put("city", new Spec("lev", 0.2, 0.85, Property.Lookup.TRUE));
    m.put("state", new Spec("exact", 0.45, 0.52, Property.Lookup.FALSE));
    m.put("district", new Spec("lev", 0.4, 0.6, Property.Lookup.FALSE));
    return m;
  }

  /**
   * Default combined properties (used when all their fields are mapped and no --combine is given):
   * given+family as one "name" (Dice coefficient over tokens, Levenshtein per token: insensitive
   * to given/family swaps) and address+address2 as one "street" (q-gram overlap: insensitive to
   * swaps and to split or merged words).
   */
  static String defaultCombined() {
    return "name=given+family=dice-lev:0.1:0.95:true;street=address+address2=qgram:0.2:0.9:true";
  }

  static Cleaner cleaner(String field) {
    switch (field) {
      case "birthDate": case "nationalId": case "postalCode":
        return new DigitsOnlyCleaner();
      case "phone":
        return new PhoneNumberCleaner();
      default:
        return new LowerCaseNormalizeCleaner();
    }
  }

  static Comparator comparator(String name) {
    switch (name) {
      case "exact": return new ExactComparator();
      case "lev": return new Levenshtein();
      case "wlev": return new WeightedLevenshtein();
      case "jw": return new JaroWinkler();
      case "jwt": return new JaroWinklerTokenized();
      case "qgram": return new QGramComparator(); // q=2, overlap formula (Duke defaults)
      case "qgram-dice": { QGramComparator q = new QGramComparator(); q.setFormula(QGramComparator.Formula.DICE); return q; }
      case "qgram-jaccard": { QGramComparator q = new QGramComparator(); q.setFormula(QGramComparator.Formula.JACCARD); return q; }
      case "numeric": return new NumericComparator();
      case "dice": return new DiceCoefficientComparator();
      case "dice-lev": { DiceCoefficientComparator d = new DiceCoefficientComparator(); d.setComparator(new Levenshtein()); return d; }
      case "dice-jw": { DiceCoefficientComparator d = new DiceCoefficientComparator(); d.setComparator(new JaroWinkler()); return d; }
      default: throw new IllegalArgumentException("unknown comparator " + name);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("dedup") || args[0].equals("link"))) {
      System.err.println(USAGE);
      System.exit(2);
    }
    boolean dedup = args[0].equals("dedup");
    Map<String, String> o = new HashMap<>();
    List<String> propOverrides = new ArrayList<>();
    List<String> combineSpecs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String k = args[i];
      if (!k.startsWith("--") || i + 1 >= args.length) {
        System.err.println("bad argument " + k + "\n" + USAGE);
        System.exit(2);
      }
      if (k.equals("--prop")) propOverrides.add(args[++i]);
      else if (k.equals("--combine")) combineSpecs.add(args[++i]);
      else o.put(k.substring(2), args[++i]);
    }
    for (String k : (dedup ? List.of("input", "columns", "output") : List.of("left", "right", "columns", "output"))) {
      if (!o.containsKey(k)) {
        System.err.println("--" + k + " is required\n" + USAGE);
        System.exit(2);
      }
    }
    double auto = Double.parseDouble(o.getOrDefault("auto-link", "0.95"));
    double review = Double.parseDouble(o.getOrDefault("review", "0.7"));
    int maxHits = Integer.parseInt(o.getOrDefault("max-hits", "30"));
    float minRel = Float.parseFloat(o.getOrDefault("min-relevance", "0"));
    boolean fuzzy = Boolean.parseBoolean(o.getOrDefault("fuzzy", "false"));
    boolean single = Boolean.parseBoolean(o.getOrDefault("single-match", "false"));
    int threads = Integer.parseInt(o.getOrDefault("threads", "1"));

    // column mapping: Lafia field -> CSV column
    Map<String, String> mapping = new LinkedHashMap<>();
    for (String part : o.get("columns").split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2 || !fieldsList().contains(kv[0].trim()))
        throw new IllegalArgumentException("bad mapping entry '" + part + "'; fields: " + fieldsList());
      mapping.put(kv[0].trim(), kv[1].trim());
    }
    if (!mapping.containsKey("id")) throw new IllegalArgumentException("mapping needs id=<col>");

    Map<String, Spec> specs = defaults();
    for (String po : propOverrides) {
      for (String one : po.split(";")) {
        if (one.isBlank()) continue;
        String[] kv = one.split("=", 2);
        String[] p = kv[1].split(":");
        Property.Lookup lk = p.length > 3 ? Property.Lookup.valueOf(p[3].toUpperCase(Locale.ROOT))
            : specs.get(kv[0].trim()).lookup();
        specs.put(kv[0].trim(), new Spec(p[0], Double.parseDouble(p[1]), Double.parseDouble(p[2]), lk));
      }
    }

    // derived (combined) properties: name -> component fields, in order
    Map<String, List<String>> combined = new LinkedHashMap<>();
    if (combineSpecs.isEmpty()) {
      for (String one : defaultCombined().split(";")) {
        boolean all = true;
        for (String f : one.split("=", 3)[1].split("\\+")) all &= mapping.containsKey(f);
        if (all) combineSpecs.add(one);
      }
    }
    combineSpecs.remove("none");
    for (String cs : combineSpecs) {
      for (String one : cs.split(";")) {
        if (one.isBlank()) continue;
        String[] parts = one.split("=", 3);
        if (parts.length != 3) throw new IllegalArgumentException("bad --combine " + one);
        List<String> comps = new ArrayList<>();
        for (String f : parts[1].split("\\+")) {
          if (!mapping.containsKey(f.trim())) throw new IllegalArgumentException("--combine: field " + f + " not mapped");
          comps.add(f.trim());
        }
        String[] p = parts[2].split(":");
        Property.Lookup lk = p.length > 3 ? Property.Lookup.valueOf(p[3].toUpperCase(Locale.ROOT)) : Property.Lookup.TRUE;
        combined.put(parts[0].trim(), comps);
        specs.put(parts[0].trim(), new Spec(p[0], Double.parseDouble(p[1]), Double.parseDouble(p[2]), lk));
      }
    }
    List<String> compared = new ArrayList<>();
    for (String f : mapping.keySet()) {
      if (f.equals("id")) continue;
      boolean inCombined = false;
      for (List<String> c : combined.values()) inCombined |= c.contains(f);
      if (!inCombined) compared.add(f);
    }
    compared.addAll(combined.keySet());

    // Duke configuration. The threshold must be set before the properties: Duke derives its
    // default lookup properties from it when the properties are set.
    ConfigurationImpl config = new ConfigurationImpl();
    config.setThreshold(auto);
    config.setMaybeThreshold(review);
    List<Property> props = new ArrayList<>();
    props.add(new PropertyImpl("id"));
    Map<String, Cleaner> cleaners = new LinkedHashMap<>();
    StringBuilder table = new StringBuilder();
    for (String f : mapping.keySet()) if (!f.equals("id")) cleaners.put(f, cleaner(f));
    for (String f : compared) {
      Spec s = specs.get(f);
      PropertyImpl p = new PropertyImpl(f, comparator(s.comparator()), s.low(), s.high());
      p.setLookupBehaviour(s.lookup());
      props.add(p);
      String source, cl;
      if (combined.containsKey(f)) {
        List<String> cols = new ArrayList<>(), cls = new ArrayList<>();
        for (String c : combined.get(f)) { cols.add(mapping.get(c)); cls.add(cleaners.get(c).getClass().getSimpleName()); }
        source = "fields " + String.join("+", combined.get(f)) + ", columns " + String.join("+", cols);
        cl = String.join("+", cls);
      } else {
        source = "column " + mapping.get(f);
        cl = cleaners.get(f).getClass().getSimpleName();
      }
      table.append(String.format(Locale.ROOT, "%s (%s): cleaner=%s comparator=%s(%s) low=%.3f high=%.3f lookup=%s%n",
          f, source, cl, p.getComparator().getClass().getSimpleName(), s.comparator(),
          s.low(), s.high(), s.lookup()));
    }
    config.setProperties(props);
    LuceneDatabase db = new LuceneDatabase(); // no path: RAMDirectory (in memory)
    db.setMaxSearchHits(maxHits);
    db.setMinRelevance(minRel);
    db.setFuzzySearch(fuzzy);
    config.setDatabase(db);

    List<String> lookups = new ArrayList<>();
    for (Property p : config.getLookupProperties()) lookups.add(p.getName());
    table.append(String.format(Locale.ROOT,
        "threshold(auto-link)=%s maybe-threshold(review)=%s lucene: in-memory max-search-hits=%d min-relevance=%s fuzzy=%s; lookup properties=%s; mode=%s%s; threads=%d%n",
        auto, review, maxHits, minRel, fuzzy, lookups, dedup ? "deduplication" : "record-linkage",
        dedup ? "" : (single ? " single-match" : " all-matches"), threads));
    if (o.containsKey("config-out")) Files.writeString(Path.of(o.get("config-out")), table.toString());
    System.err.print(table);

    long t0 = System.nanoTime();
    Map<String, Double> pairs = new LinkedHashMap<>(); // "left\u0000right" -> probability
    Processor proc = new Processor(config, true);
    proc.setThreads(threads);
    AbstractMatchListener listener = new AbstractMatchListener() {
      @Override public void matches(Record r1, Record r2, double p) { add(r1, r2, p); }
      @Override public void matchesPerhaps(Record r1, Record r2, double p) { add(r1, r2, p); }

      private synchronized void add(Record r1, Record r2, double p) {
        String a = r1.getValue("id"), b = r2.getValue("id");
        String key;
        if (dedup) key = a.compareTo(b) <= 0 ? a + "\u0000" + b : b + "\u0000" + a; // unordered, once
        else key = b + "\u0000" + a; // r1 is the right (group 2) record, r2 the left (group 1) candidate
        pairs.merge(key, p, Math::max);
      }
    };
    proc.addMatchListener(listener);

    int nrec;
    if (dedup) {
      List<Record> recs = read(Path.of(o.get("input")), mapping, cleaners, combined);
      nrec = recs.size();
      config.addDataSource(0, new InMemoryDataSource(recs));
      proc.deduplicate(recs);
    } else {
      List<Record> left = read(Path.of(o.get("left")), mapping, cleaners, combined);
      List<Record> right = read(Path.of(o.get("right")), mapping, cleaners, combined);
      nrec = left.size() + right.size();
      Collection<DataSource> g1 = List.of(new InMemoryDataSource(left));
      Collection<DataSource> g2 = List.of(new InMemoryDataSource(right));
      config.addDataSource(1, g1.iterator().next());
      config.addDataSource(2, g2.iterator().next());
      proc.link(g1, g2, !single, 40000);
    }
    long comparisons = proc.getComparisonCount();
    proc.close();

    int nAuto = 0, nReview = 0;
    try (BufferedWriter w = Files.newBufferedWriter(Path.of(o.get("output")), StandardCharsets.UTF_8)) {
      w.write("left_id,right_id,probability,band\n");
      for (Map.Entry<String, Double> e : pairs.entrySet()) {
        double p = e.getValue();
        if (p < review) continue;
        String[] ab = e.getKey().split("\u0000", 2);
        boolean isAuto = p >= auto;
        if (isAuto) nAuto++; else nReview++;
        w.write(csv(ab[0]) + "," + csv(ab[1]) + "," + String.format(Locale.ROOT, "%.6f", p) + ","
            + (isAuto ? "auto-link" : "review") + "\n");
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "duke %s: %d records, %d comparisons, %d auto-link, %d review, %.1f s%n",
        args[0], nrec, comparisons, nAuto, nReview, secs);
  }

  static String csv(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /** Reads a CSV (header row, RFC 4180 quoting), trims every value, builds cleaned Duke records. */
  static List<Record> read(Path path, Map<String, String> mapping, Map<String, Cleaner> cleaners,
      Map<String, List<String>> combined) throws IOException {
    List<Record> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      List<List<String>> rows = parse(r);
      if (rows.isEmpty()) return out;
      List<String> header = rows.get(0);
      Map<String, Integer> col = new HashMap<>();
      for (int i = 0; i < header.size(); i++) col.put(header.get(i).replace("\uFEFF", "").trim(), i);
      for (Map.Entry<String, String> e : mapping.entrySet())
        if (!col.containsKey(e.getValue()))
          throw new IllegalArgumentException(path + " has no column '" + e.getValue() + "' (header " + col.keySet() + ")");
      for (int ri = 1; ri < rows.size(); ri++) {
        List<String> row = rows.get(ri);
        if (row.size() == 1 && row.get(0).isBlank()) continue;
        Map<String, String> vals = new HashMap<>();
        for (Map.Entry<String, String> e : mapping.entrySet()) {
          int i = col.get(e.getValue());
          String v = i < row.size() ? row.get(i).trim() : "";
          if (!e.getKey().equals("id")) {
            v = v.isEmpty() ? null : cleaners.get(e.getKey()).clean(v);
            if (v != null) v = v.trim();
          }
          if (v != null && !v.isEmpty()) vals.put(e.getKey(), v);
        }
        RecordImpl rec = new RecordImpl();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Map.Entry<String, List<String>> c : combined.entrySet()) {
          StringBuilder b = new StringBuilder();
          for (String f : c.getValue()) {
            used.add(f);
            String v = vals.get(f);
            if (v != null) b.append(b.length() > 0 ? " " : "").append(v);
          }
          if (b.length() > 0) rec.addValue(c.getKey(), b.toString());
        }
        for (Map.Entry<String, String> e : vals.entrySet())
          if (!used.contains(e.getKey())) rec.addValue(e.getKey(), e.getValue());
        if (rec.getValue("id") == null) continue; // no id: cannot be reported
        out.add(rec);
      }
    }
    return out;
  }

  static List<List<String>> parse(BufferedReader r) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean q = false, any = false;
    int c;
    while ((c = r.read()) != -1) {
      char ch = (char) c;
      any = true;
      if (q) {
        if (ch == '"') {
          r.mark(1);
          int n = r.read();
          if (n == '"') f.append('"');
          else { q = false; if (n != -1) r.reset(); }
        } else f.append(ch);
      } else if (ch == '"' && f.toString().isBlank()) {
        f.setLength(0);
        q = true;
      } else if (ch == ',') {
        row.add(f.toString()); f.setLength(0);
      } else if (ch == '\n') {
        row.add(f.toString()); f.setLength(0);
        rows.add(row); row = new ArrayList<>(); any = false;
      } else if (ch != '\r') f.append(ch);
    }
    if (any) { row.add(f.toString()); rows.add(row); }
    return rows;
  }
}
