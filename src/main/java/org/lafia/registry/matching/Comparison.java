package org.lafia.registry.matching;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;

/**
 * The fields two records are compared on, each with its levels of agreement, best first (level
 * 0 = the same value). {@link #MISSING} when either record lacks the field: no evidence either way.
 * Names are compared together ({@link #names}) because registers swap them ({@code NOM Prénom}).
 */
enum Comparison {
  GIVEN(4, "exact", "one typo or same sound", "similar or one name of several", "different"),
  FAMILY(4, "exact", "one typo or same sound", "similar or one name of several", "different"),
  BIRTH_DATE(5, "exact", "one typo or day and month swapped", "two typos or same year and month", "same year", "different"),
  SEX(2, "same", "different"),
  NATIONAL_ID(4, "exact", "one typo", "two typos", "different"),
  PHONE(3, "exact", "one typo", "different"),
  ADDRESS(3, "exact", "similar", "different"),
  ADDRESS2(3, "exact", "similar", "different"),
  STREET_NUMBER(3, "exact", "one typo", "different"),
  POSTAL_CODE(3, "exact", "one typo", "different"),
  CITY(3, "exact", "similar", "different"),
  STATE(2, "exact", "different"),
  DISTRICT(3, "exact", "similar", "different");

  static final int MISSING = 15;
  static final Comparison[] ALL = values();

  final int levels;
  final String[] labels;

  Comparison(int levels, String... labels) {
    this.levels = levels;
    this.labels = labels;
  }

  private static final JaroWinklerSimilarity JW = new JaroWinklerSimilarity();

  /** The levels of every field for a pair, 4 bits per field in field order. */
  static long compare(Prepared a, Prepared b) {
    long code = 0;
    int[] names = names(a, b);
    for (Comparison c : ALL) {
      int level = switch (c) {
        case GIVEN -> names[0];
        case FAMILY -> names[1];
        case BIRTH_DATE -> birthDate(a, b);
        case SEX -> a.sex.isEmpty() || b.sex.isEmpty() ? MISSING : a.sex.equals(b.sex) ? 0 : 1;
        case NATIONAL_ID -> typos(a.nationalId, b.nationalId, c.levels);
        case PHONE -> typos(a.phone, b.phone, c.levels);
        case ADDRESS -> text(a.address, b.address);
        case ADDRESS2 -> text(a.address2, b.address2);
        case STREET_NUMBER -> typos(a.streetNumber, b.streetNumber, c.levels);
        case POSTAL_CODE -> typos(a.postalCode, b.postalCode, c.levels);
        case CITY -> text(a.city, b.city);
        case STATE -> a.state.isEmpty() || b.state.isEmpty() ? MISSING : a.state.equals(b.state) ? 0 : 1;
        case DISTRICT -> text(a.district, b.district);
      };
      code |= ((long) level) << (4 * c.ordinal());
    }
    return code;
  }

  static int level(long code, Comparison c) {
    return (int) ((code >>> (4 * c.ordinal())) & 0xF);
  }

  /** Given and family levels, read swapped when the swap agrees better (a register's {@code NOM Prénom}). */
  static int[] names(Prepared a, Prepared b) {
    int g = name(a.given, a.givenKey, a.givenWords, b.given, b.givenKey, b.givenWords);
    int f = name(a.family, a.familyKey, a.familyWords, b.family, b.familyKey, b.familyWords);
    if ((g > 1 || f > 1) && !a.given.isEmpty() && !a.family.isEmpty() && !b.given.isEmpty() && !b.family.isEmpty()) {
      int sg = name(a.given, a.givenKey, a.givenWords, b.family, b.familyKey, b.familyWords);
      int sf = name(a.family, a.familyKey, a.familyWords, b.given, b.givenKey, b.givenWords);
      if (sg + sf < g + f) return new int[] {sg, sf};
    }
    return new int[] {g, f};
  }

  static int name(String a, String aKey, java.util.List<String> aWords, String b, String bKey, java.util.List<String> bWords) {
    if (a.isEmpty() || b.isEmpty()) return MISSING;
    if (a.equals(b)) return 0;
    if (Distance.osa(a, b, 1) <= 1 || (aKey.length() >= 3 && aKey.equals(bKey))) return 1;
    if (JW.apply(a, b) >= 0.88 || sharesWord(aWords, bWords)) return 2;
    return 3;
  }

  /** One name among several ({@code Ngo Mbarga} and {@code Mbarga}; {@code Jean Paul} and {@code Paul}). */
  private static boolean sharesWord(java.util.List<String> a, java.util.List<String> b) {
    if (a.size() < 2 && b.size() < 2) return false;
    for (String w : a) if (w.length() >= 3 && b.contains(w)) return true;
    return false;
  }

  static int birthDate(Prepared a, Prepared b) {
    if (a.year == 0 || b.year == 0) return MISSING;
    if (a.date8.isEmpty() || b.date8.isEmpty()) {
      // Known to the year (or month) only on one side: the year is all the evidence there is.
      return a.year == b.year ? 3 : 4;
    }
    if (a.date8.equals(b.date8)) return 0;
    if (a.year == b.year && a.month == b.day && a.day == b.month) return 1;
    int d = Distance.osa(a.date8, b.date8, 2);
    if (d <= 1) return 1;
    if (d == 2 || (a.year == b.year && a.month == b.month)) return 2;
    if (a.year == b.year) return 3;
    return 4;
  }

  /** 0 exact, then one level per typo, the last level "different" (more typos than levels for them). */
  static int typos(String a, String b, int levels) {
    if (a.isEmpty() || b.isEmpty()) return MISSING;
    if (a.equals(b)) return 0;
    return Math.min(Distance.osa(a, b, levels - 2), levels - 1);
  }

  static int text(String a, String b) {
    if (a.isEmpty() || b.isEmpty()) return MISSING;
    if (a.equals(b)) return 0;
    return JW.apply(a, b) >= 0.9 ? 1 : 2;
  }
}
