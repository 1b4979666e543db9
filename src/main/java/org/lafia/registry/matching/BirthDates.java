package org.lafia.registry.matching;

import java.time.DateTimeException;
import java.time.LocalDate;

/** Birth dates as registers write them, to year, month and day (0 where unknown). */
final class BirthDates {
  private BirthDates() {}

  /**
   * {@code YYYY-MM-DD}, {@code YYYYMMDD}, {@code DD/MM/YYYY}, {@code DD-MM-YYYY}, {@code YYYY-MM},
   * {@code YYYY}. The 1st of January is kept as a date known to the year only: it is what
   * registers write when only the year is known. An impossible date keeps nothing and is reported.
   */
  static int[] parse(String s, StringBuilder problems) {
    int[] none = {0, 0, 0};
    if (s == null || s.isBlank()) return none;
    String t = s.strip();
    int y, m = 0, d = 0;
    try {
      if (t.matches("\\d{8}")) {
        y = Integer.parseInt(t.substring(0, 4));
        m = Integer.parseInt(t.substring(4, 6));
        d = Integer.parseInt(t.substring(6, 8));
      } else if (t.matches("\\d{4}-\\d{1,2}-\\d{1,2}(T.*)?")) {
        String[] p = t.substring(0, t.indexOf('T') > 0 ? t.indexOf('T') : t.length()).split("-");
        y = Integer.parseInt(p[0]);
        m = Integer.parseInt(p[1]);
        d = Integer.parseInt(p[2]);
      } else if (t.matches("\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4}")) {
        String[] p = t.split("[/.-]");
        d = Integer.parseInt(p[0]);
        m = Integer.parseInt(p[1]);
        y = Integer.parseInt(p[2]);
      } else if (t.matches("\\d{4}-\\d{1,2}")) {
        String[] p = t.split("-");
        y = Integer.parseInt(p[0]);
        m = Integer.parseInt(p[1]);
      } else if (t.matches("\\d{4}")) {
        y = Integer.parseInt(t);
      } else {
        problems.append("birthDate: '").append(t).append("' is not a date; ");
        return none;
      }
    } catch (NumberFormatException e) {
      problems.append("birthDate: '").append(t).append("' is not a date; ");
      return none;
    }
    if (y < 1850 || y > LocalDate.now().getYear()) {
      problems.append("birthDate: year ").append(y).append(" is impossible; ");
      return none;
    }
    if (m == 0) return new int[] {y, 0, 0};
    if (m < 1 || m > 12) {
      problems.append("birthDate: '").append(t).append("' has no month ").append(m).append("; ");
      return new int[] {y, 0, 0};
    }
    if (d == 0) return new int[] {y, m, 0};
    try {
      LocalDate.of(y, m, d);
    } catch (DateTimeException e) {
      problems.append("birthDate: '").append(t).append("' is an impossible date; ");
      return new int[] {y, 0, 0};
    }
    if (m == 1 && d == 1) return new int[] {y, 0, 0};
    return new int[] {y, m, d};
  }
}
