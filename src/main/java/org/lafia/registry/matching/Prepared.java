package org.lafia.registry.matching;

import java.util.List;

/**
 * A record with its comparison forms computed once: a dedup of a million records compares each
 * record with tens of others, and cleaning a name costs more than comparing two clean ones.
 */
final class Prepared {
  final PersonRecord source;
  final String given; // compact
  final String family; // compact
  final List<String> givenWords;
  final List<String> familyWords;
  final String givenKey; // skeleton
  final String familyKey;
  final String sex; // "m", "f" or ""
  /** Year, month, day; month and day 0 when unknown (a date known to the year, or the 1 January placeholder). */
  final int year;
  final int month;
  final int day;
  final String date8; // yyyymmdd of a full date, else ""
  final String phone; // last 8 digits
  final String nationalId;
  final String address;
  final String address2;
  final String streetNumber;
  final String postalCode;
  final String city;
  final String state;
  final String district;
  /** What could not be used, for the batch report ("birthDate: impossible date 1987-02-30"). */
  final String unusable;

  Prepared(PersonRecord r) {
    this.source = r;
    String g = Names.clean(r.given());
    String f = Names.clean(r.family());
    this.given = Names.compact(g);
    this.family = Names.compact(f);
    this.givenWords = Names.words(g);
    this.familyWords = Names.words(f);
    String dayName = Names.dayName(given);
    this.givenKey = dayName != null ? dayName : Names.skeleton(given); // Kossi, Kwasi, Kouassi: one name, one key
    this.familyKey = Names.skeleton(family);
    this.sex = sex(r.sex());
    StringBuilder problems = new StringBuilder();
    int[] ymd = BirthDates.parse(r.birthDate(), problems);
    this.year = ymd[0];
    this.month = ymd[1];
    this.day = ymd[2];
    this.date8 = year > 0 && month > 0 && day > 0 ? String.format("%04d%02d%02d", year, month, day) : "";
    this.phone = phone(r.phone(), problems);
    this.nationalId = digitsAndLetters(r.nationalId());
    this.address = Names.compact(Names.clean(r.address()));
    this.address2 = Names.compact(Names.clean(r.address2()));
    this.streetNumber = digitsAndLetters(r.streetNumber());
    this.postalCode = digitsAndLetters(r.postalCode());
    this.city = Names.compact(Names.clean(r.city()));
    this.state = Names.compact(Names.clean(r.state()));
    this.district = Names.compact(Names.clean(r.district()));
    this.unusable = problems.toString();
  }

  /** Whether anything but the id can be compared. */
  boolean hasEvidence() {
    return !given.isEmpty() || !family.isEmpty() || year > 0 || !phone.isEmpty() || !nationalId.isEmpty()
        || !address.isEmpty() || !postalCode.isEmpty() || !city.isEmpty();
  }

  private static String sex(String s) {
    String c = Names.clean(s);
    if (c.isEmpty()) return "";
    return switch (c) {
      case "m", "male", "masculin", "homme", "h" -> "m";
      case "f", "female", "feminin", "femme" -> "f";
      default -> "";
    };
  }

  private static String phone(String s, StringBuilder problems) {
    if (s == null || s.isBlank()) return "";
    StringBuilder d = new StringBuilder();
    for (int i = 0; i < s.length(); i++) if (Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) d.append(s.charAt(i));
    if (d.length() < 6) {
      problems.append("phone: '").append(s.strip()).append("' has too few digits; ");
      return "";
    }
    return d.length() > 8 ? d.substring(d.length() - 8) : d.toString();
  }

  private static String digitsAndLetters(String s) {
    if (s == null || s.isEmpty()) return "";
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = Character.toLowerCase(s.charAt(i));
      if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')) b.append(ch);
    }
    return b.toString();
  }
}
