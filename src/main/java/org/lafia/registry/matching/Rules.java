package org.lafia.registry.matching;

/**
 * What holds whatever the probability says (see {@link PersonMatcher.Score}): Fellegi–Sunter adds
 * the weights of fields as if they agreed independently, and what a family shares does not —
 * twins share the family name, the birth date, the phone and the address; a father and his son
 * may share every name and the phone; a household shares a phone; namesakes of one year abound.
 */
final class Rules {
  private Rules() {}

  /** The gap in birth years from which two records are two generations: a parent and a child named alike. */
  static final int GENERATION = 12;

  /**
   * Whether a pair may be linked without a person's decision: its comparison levels, and two
   * generations apart (a year one typo away, 2002 and 2022, is a father and his son as often as a slip).
   */
  static boolean linkable(long code, Prepared a, Prepared b) {
    if (a.year > 0 && b.year > 0 && Math.abs(a.year - b.year) >= GENERATION) return false;
    return linkable(code);
  }

  /**
   * Whether a pair (its comparison levels) may be linked without a person's decision: besides the
   * names, the exact birth date or the ID, phone or address; the given names to a typo or a sound,
   * the family names alike;
   * the same sex when both are known (twins of opposite sex are Rachid and Rachida, Michel and
   * Michèle: one typo apart); birth dates not different.
   */
  static boolean linkable(long code) {
    if (Comparison.level(code, Comparison.SEX) == 1 || idsDiffer(code)) return false;
    int born = Comparison.level(code, Comparison.BIRTH_DATE);
    // A birth date one typo away is no proof alone: two persons born the same month, on the 14th
    // and the 19th, are one typo apart.
    boolean corroborated = born == 0 || beyondDate(code);
    int family = Comparison.level(code, Comparison.FAMILY);
    // A family name entirely different (a name taken at marriage, or another person) is for a steward.
    boolean familyAlike = family <= 2 || family == Comparison.MISSING;
    return corroborated && familyAlike && Comparison.level(code, Comparison.GIVEN) <= 1 && born != Comparison.BIRTH_DATE.levels - 1;
  }

  /** Whether the national ID or the phone agree to a typo, or the address exactly: more than names and a birth date. */
  static boolean beyondDate(long code) {
    return Comparison.level(code, Comparison.NATIONAL_ID) <= 1 || Comparison.level(code, Comparison.PHONE) <= 1
        || Comparison.level(code, Comparison.ADDRESS) == 0;
  }

  /**
   * Whether both records carry a national ID and the two differ by more than two typos: two persons
   * (a child registered under a parent's ID carries the parent's ID itself, not another).
   */
  static boolean idsDiffer(long code) {
    return Comparison.level(code, Comparison.NATIONAL_ID) == Comparison.NATIONAL_ID.levels - 1;
  }

  /** Whether a pair is worth a steward's time. */
  static boolean plausible(long code) {
    if (idsDiffer(code)) return false;
    int given0 = Comparison.level(code, Comparison.GIVEN);
    // A girl and a boy with other given names (twins of opposite sex): nothing for a steward to decide.
    if (Comparison.level(code, Comparison.SEX) == 1 && given0 >= 2 && given0 != Comparison.MISSING) return false;
    int given = Comparison.level(code, Comparison.GIVEN);
    int family = Comparison.level(code, Comparison.FAMILY);
    int born = Comparison.level(code, Comparison.BIRTH_DATE);
    boolean givenOk = given <= 2 || given == Comparison.MISSING;
    boolean familyOk = family <= 2 || family == Comparison.MISSING;
    boolean strong = born <= 1 || Comparison.level(code, Comparison.NATIONAL_ID) <= 1 || Comparison.level(code, Comparison.PHONE) <= 1;
    boolean beyondNames = born <= 3 || Comparison.level(code, Comparison.NATIONAL_ID) <= 2 || Comparison.level(code, Comparison.PHONE) <= 1
        || Comparison.level(code, Comparison.ADDRESS) <= 1;
    return beyondNames && (givenOk && familyOk || givenOk && strong || familyOk && born <= 1);
  }
}
