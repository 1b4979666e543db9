package org.lafia.registry;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.springframework.http.ResponseEntity;

/**
 * A registry's uploaded CSV file (facilities, health workers, patients): a header first, a byte
 * order mark, blank lines and spaces around values ignored; the columns a registry needs present;
 * a bounded number of rows. What cannot be read at all is refused whole, with its reason.
 */
final class CsvUpload {
  /** A file refused before any row is looked at: {@link #answer} says why. */
  static final class Refused extends Exception {
    final transient ResponseEntity<?> answer;

    private Refused(int status, String detail) {
      super(detail, null, false, false);
      this.answer = RegistryApi.problem(status, detail);
    }
  }

  private CsvUpload() {}

  /**
   * The records of {@code body}, at least one.
   *
   * @param required the columns the header must name
   * @param what one row, in French and English ("établissement / facility"), for the messages
   */
  static List<CSVRecord> read(String body, List<String> required, int maxRows, String what) throws Refused {
    if (body == null || body.isBlank()) {
      throw new Refused(400, "Fichier vide : une ligne d'en-tête " + required + " puis une ligne par " + what.split(" / ")[0]
          + ". / Empty file: a header " + required + " then one row per " + what.split(" / ")[1] + ".");
    }
    try (CSVParser p = CSVParser.parse(new StringReader(body.startsWith("\uFEFF") ? body.substring(1) : body),
        CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).setIgnoreEmptyLines(true).build())) {
      List<String> missing = required.stream().filter(c -> !p.getHeaderMap().containsKey(c)).toList();
      if (!missing.isEmpty()) {
        throw new Refused(400, "Colonnes manquantes : " + missing + " (attendu : " + String.join(",", required) + "). / Missing columns: "
            + missing + ".");
      }
      List<CSVRecord> out = new ArrayList<>();
      for (CSVRecord r : p) {
        if (out.size() >= maxRows) {
          throw new Refused(413, "Plus de " + maxRows + " lignes : importez en plusieurs fichiers. / More than " + maxRows
              + " rows: import in several files.");
        }
        out.add(r);
      }
      if (out.isEmpty()) throw new Refused(400, "Aucune ligne dans le fichier. / No row in the file.");
      return out;
    } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
      throw new Refused(400, "Ce n'est pas un CSV lisible : " + e.getMessage() + " / Not a readable CSV.");
    }
  }

  /** The line of the file a record is on (the header is line 1). */
  static long line(CSVRecord r) {
    return r.getRecordNumber() + 1;
  }

  /** A column's value, stripped; empty when the row lacks it. */
  static String get(CSVRecord r, String column) {
    return r.isMapped(column) && r.isSet(column) && r.get(column) != null ? r.get(column).strip() : "";
  }
}
