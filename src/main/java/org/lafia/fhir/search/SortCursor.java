package org.lafia.fhir.search;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Where the next page of a sorted search starts: the sort values of the last row sent and its pid.
 * Keyset paging instead of an offset, so that a record created or changed between two pages shifts
 * nothing: no match is sent twice or skipped, and no node needs to remember the search.
 *
 * <p>Encoded in the next link as {@code k.<value>.<value>…<pid>}, each value {@code ~} (none),
 * {@code s<base64url>} (text), {@code t<epoch microseconds>} (instant) or {@code n<decimal>}.
 */
record SortCursor(Object[] values, long pid) {

  static String encode(Object[] values, long pid) {
    StringBuilder out = new StringBuilder("k");
    for (Object v : values) {
      out.append('.');
      if (v == null) out.append('~');
      else if (v instanceof String s) {
        out.append('s').append(Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
      } else if (v instanceof Timestamp t) {
        Instant i = t.toInstant();
        out.append('t').append(i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000);
      } else if (v instanceof BigDecimal d) {
        out.append('n').append(d.toPlainString());
      } else {
        throw new IllegalStateException("cannot page on a sort value of " + v.getClass());
      }
    }
    return out.append('.').append(pid).toString();
  }

  /** The cursor of a next link, or null on a first page; a damaged one is a 400, not a 500. */
  static SortCursor decode(String text, int keys) {
    if (text == null) return null;
    String[] parts = text.split("\\.", -1);
    if (parts.length != keys + 2 || !parts[0].equals("k")) throw bad();
    Object[] values = new Object[keys];
    try {
      for (int i = 0; i < keys; i++) {
        String p = parts[i + 1];
        if (p.isEmpty()) throw bad();
        values[i] = switch (p.charAt(0)) {
          case '~' -> {
            if (p.length() != 1) throw bad();
            yield null;
          }
          case 's' -> new String(Base64.getUrlDecoder().decode(p.substring(1)), StandardCharsets.UTF_8);
          case 't' -> {
            long micros = Long.parseLong(p.substring(1));
            yield Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L);
          }
          case 'n' -> new BigDecimal(p.substring(1));
          default -> throw bad();
        };
      }
      return new SortCursor(values, Long.parseLong(parts[keys + 1]));
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      throw bad();
    }
  }

  /**
   * Rows strictly after this cursor in the order {@code x.s0, x.s1, …, x.pid}, each key ascending
   * or descending (a leading '-') with missing values last either way.
   */
  void appendAfter(Sql q, List<String> keys) {
    q.add(" where (");
    for (int i = 0; i <= keys.size(); i++) {
      if (i > 0) q.add(" or ");
      q.add("(true");
      for (int j = 0; j < i; j++) {
        if (values[j] == null) q.add(" and x.s" + j + " is null");
        else q.add(" and x.s" + j + " = ?", values[j]);
      }
      if (i == keys.size()) {
        q.add(" and x.pid > ?", pid);
      } else if (values[i] == null) {
        q.add(" and false"); // nothing sorts after a missing value: missing values come last
      } else {
        String op = keys.get(i).startsWith("-") ? " < " : " > ";
        q.add(" and (x.s" + i + op + "? or x.s" + i + " is null)", values[i]);
      }
      q.add(")");
    }
    q.add(")");
  }

  private static BadSearch bad() {
    return new BadSearch("_cursor is not a page link this server made; start the search again."
        + " / Lien de page invalide : relancez la recherche.");
  }
}
