package org.lafia.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.lafia.registry.matching.Linkage;
import org.lafia.registry.matching.PersonRecord;

/**
 * {@code java -jar lafia.jar mpi dedup|link}: batch record linkage of legacy lists, for migrations
 * into the client registry, without a running server. A bad row never stops the batch: a row
 * without an id, with an id seen before, that cannot be parsed, or with nothing to match on goes
 * to the rejects file with its reason; a row with one unusable field (an impossible date, a phone
 * without digits, unreadable bytes) is matched on the rest and the field is reported there too.
 */
public final class MpiCommand {
  static final String USAGE = String.join("\n",
      "Usage:",
      "  java -jar lafia.jar mpi dedup --input records.csv --columns MAPPING --output pairs.csv [options]",
      "  java -jar lafia.jar mpi link --left a.csv --right b.csv --columns MAPPING --output pairs.csv [options]",
      "MAPPING names the CSV column of each field, e.g. id=rec_id,given=prenom,family=nom,birthDate=date_naissance",
      "  fields: " + String.join(", ", PersonRecord.FIELDS) + " (any subset; id required)",
      "Options:",
      "  --rejects FILE     rows not matched and fields not used, with the reason (default: OUTPUT.rejects.csv)",
      "  --auto-link P      probability from which a pair is linked without review (default 0.95)",
      "  --review P         probability from which a pair is written, for review (default 0.5)",
      "  --model FILE       writes the estimated model (m and u per field and level; lafia.registry.model-file reads it)",
      "Output: left_id,right_id,probability,band (band: auto-link or review).");

  private MpiCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !(args[0].equals("dedup") || args[0].equals("link"))) {
      err.println(USAGE);
      return 2;
    }
    boolean dedup = args[0].equals("dedup");
    Map<String, String> o = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String k = args[i];
      if (!k.startsWith("--") || i + 1 >= args.length) {
        err.println((k.startsWith("--") ? k + " needs a value." : "Unexpected argument '" + k + "'.") + "\n" + USAGE);
        return 2;
      }
      o.put(k.substring(2), args[++i]);
    }
    for (String k : o.keySet()) {
      if (!List.of("input", "left", "right", "columns", "output", "rejects", "auto-link", "review", "model").contains(k)) {
        err.println("Unknown option --" + k + ".\n" + USAGE);
        return 2;
      }
    }
    List<String> required = dedup ? List.of("input", "columns", "output") : List.of("left", "right", "columns", "output");
    for (String k : required) {
      if (!o.containsKey(k)) {
        err.println("--" + k + " is required.\n" + USAGE);
        return 2;
      }
    }
    Map<String, String> mapping;
    Linkage.Settings settings;
    try {
      mapping = mapping(o.get("columns"));
      settings = new Linkage.Settings(number(o, "auto-link", Linkage.Settings.DEFAULT.autoLink()),
          number(o, "review", Linkage.Settings.DEFAULT.review()), Linkage.Settings.DEFAULT.maxBlock(),
          Linkage.Settings.DEFAULT.randomPairs(), Linkage.Settings.DEFAULT.seed());
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    Path output = Path.of(o.get("output"));
    Path rejects = Path.of(o.getOrDefault("rejects", o.get("output") + ".rejects.csv"));
    long t0 = System.nanoTime();
    try (Writer rw = Files.newBufferedWriter(rejects, StandardCharsets.UTF_8);
        CSVPrinter rejectsFile = new CSVPrinter(rw, CSVFormat.DEFAULT.builder().setHeader("file", "line", "id", "reason").get())) {
      Rejects rejected = new Rejects(rejectsFile);
      List<Row> left = read(Path.of(dedup ? o.get("input") : o.get("left")), mapping, rejected);
      List<Row> right = dedup ? left : read(Path.of(o.get("right")), mapping, rejected);
      List<PersonRecord> l = left.stream().map(Row::record).toList();
      Linkage.Result result = dedup ? Linkage.dedup(l, settings) : Linkage.link(l, right.stream().map(Row::record).toList(), settings);
      for (Map.Entry<Integer, String> e : result.unusableLeft().entrySet()) unusable(rejected, left.get(e.getKey()), e.getValue());
      if (!dedup) for (Map.Entry<Integer, String> e : result.unusableRight().entrySet()) unusable(rejected, right.get(e.getKey()), e.getValue());
      int auto = 0;
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
          CSVPrinter pairs = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader("left_id", "right_id", "probability", "band").get())) {
        for (Linkage.ScoredPair p : result.pairs()) {
          pairs.printRecord(left.get(p.left()).record().id(), right.get(p.right()).record().id(),
              String.format(Locale.ROOT, "%.6f", p.probability()), p.band().label);
          if (p.band() == Linkage.Band.AUTO_LINK) auto++;
        }
      }
      if (o.containsKey("model")) {
        try (Writer w = Files.newBufferedWriter(Path.of(o.get("model")), StandardCharsets.UTF_8)) {
          // Readable by lafia.registry.model-file; the comments say the same for people.
          result.parameters().store(w, "Lafia client registry model, estimated by mpi " + args[0] + "\n"
              + result.model().replaceAll("(?m)^", "# ").strip());
        }
      }
      out.printf(Locale.ROOT, "records: %d%s; rejected rows: %d; unusable fields: %d%n", left.size(),
          dedup ? "" : " + " + right.size(), rejected.rows, result.unusableLeft().size() + (dedup ? 0 : result.unusableRight().size()));
      out.printf(Locale.ROOT, "candidate pairs: %d of %d (reduction ratio %.6f); blocks left out: %d%n", result.candidatePairs(),
          result.possiblePairs(), result.reductionRatio(), result.skippedBlocks());
      out.printf(Locale.ROOT, "pairs written: %d (auto-link %d, review %d) in %.1f s -> %s%n", result.pairs().size(), auto,
          result.pairs().size() - auto, (System.nanoTime() - t0) / 1e9, output);
      return 0;
    } catch (IOException | java.io.UncheckedIOException e) {
      err.println("Cannot read or write a file: " + e.getMessage());
      return 1;
    }
  }

  /** The rejects file: rows not matched (counted) and notes on fields not used. */
  private static final class Rejects {
    private final CSVPrinter out;
    int rows;

    Rejects(CSVPrinter out) {
      this.out = out;
    }

    void row(String file, long line, String id, String reason) throws IOException {
      out.printRecord(file, line, id, reason);
      rows++;
    }

    void note(String file, long line, String id, String reason) throws IOException {
      out.printRecord(file, line, id, reason);
    }
  }

  private record Row(String file, long line, PersonRecord record) {}

  private static void unusable(Rejects rejected, Row row, String why) throws IOException {
    rejected.note(row.file(), row.line(), row.record().id(), why);
  }

  /** {@code field=column,...}: which column holds each field. */
  static Map<String, String> mapping(String spec) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        throw new IllegalArgumentException("--columns: '" + part.strip() + "' is not field=column.");
      }
      String field = part.substring(0, eq).strip();
      if (!PersonRecord.FIELDS.contains(field)) {
        throw new IllegalArgumentException("--columns: unknown field '" + field + "'; fields: " + String.join(", ", PersonRecord.FIELDS) + ".");
      }
      if (m.put(field, part.substring(eq + 1).strip()) != null) {
        throw new IllegalArgumentException("--columns: field '" + field + "' is mapped twice.");
      }
    }
    if (!m.containsKey("id")) throw new IllegalArgumentException("--columns must map id (the column that identifies each record).");
    if (m.size() < 2) throw new IllegalArgumentException("--columns must map at least one field besides id.");
    return m;
  }

  private static double number(Map<String, String> o, String key, double dflt) {
    String v = o.get(key);
    if (v == null) return dflt;
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " takes a probability between 0 and 1, not '" + v + "'.");
    }
  }

  /**
   * The rows of a CSV file, one per physical line (a line that cannot be parsed is rejected, not
   * the file), bytes that are not UTF-8 replaced and dropped from the values they were in.
   */
  private static List<Row> read(Path file, Map<String, String> mapping, Rejects rejected) throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setTrim(true).get();
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    List<Row> rows = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    String name = file.getFileName().toString();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
      String header = in.readLine();
      if (header == null) throw new IOException(file + " is empty (no header row).");
      if (header.startsWith("\ufeff")) header = header.substring(1);
      List<String> columns = parse(header, format);
      if (columns == null) throw new IOException(file + ": the header row cannot be read as CSV.");
      Map<String, Integer> index = new HashMap<>();
      for (Map.Entry<String, String> e : mapping.entrySet()) {
        int k = columns.indexOf(e.getValue());
        if (k < 0) throw new IOException(file + " has no column '" + e.getValue() + "' (for " + e.getKey() + "); its columns: "
            + String.join(", ", columns) + ".");
        index.put(e.getKey(), k);
      }
      String line;
      long n = 1;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) continue;
        List<String> values = parse(line, format);
        if (values == null) {
          rejected.row(name, n, "", "the line is not valid CSV (unbalanced quotes?)");
          continue;
        }
        PersonRecord r = PersonRecord.of(null);
        boolean unreadable = false;
        for (Map.Entry<String, Integer> e : index.entrySet()) {
          String v = e.getValue() < values.size() ? values.get(e.getValue()) : "";
          if (v.indexOf('\ufffd') >= 0) {
            unreadable = true;
            v = v.replace("\ufffd", "");
          }
          r = r.with(e.getKey(), v.isEmpty() ? null : v);
        }
        if (r.id() == null) {
          rejected.row(name, n, "", "no id");
          continue;
        }
        if (!seen.add(r.id())) {
          rejected.row(name, n, r.id(), "the id is on an earlier line too");
          continue;
        }
        if (unreadable) rejected.note(name, n, r.id(), "matched without the bytes that are not UTF-8");
        rows.add(new Row(name, n, r));
      }
    }
    return rows;
  }

  private static List<String> parse(String line, CSVFormat format) {
    try (var p = org.apache.commons.csv.CSVParser.parse(line, format)) {
      List<CSVRecord> recs = p.getRecords();
      if (recs.size() != 1) return null;
      List<String> out = new ArrayList<>();
      for (String v : recs.get(0)) out.add(v == null ? "" : v);
      return out;
    } catch (IOException | java.io.UncheckedIOException | IllegalStateException e) {
      return null;
    }
  }
}
