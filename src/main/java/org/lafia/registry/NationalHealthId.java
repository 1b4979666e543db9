package org.lafia.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * The national health ID: the country's ISO 3166 alpha-2 code, nine digits, and a Verhoeff check
 * digit over those nine ({@code TG 482 915 307 2}, stored without spaces: {@code TG4829153072}).
 * Verhoeff catches every single-digit error and every swap of two adjacent digits, the two
 * mistakes of someone copying an ID from a card; the country code keeps two countries' IDs apart
 * when records cross a border.
 *
 * <p>Issued from a sequence that never goes back: the n-th ID's digits are {@code n} scrambled by
 * a bijection of 0..999,999,999 (multiplication by a number prime to 10^9, plus an offset), so
 * that an ID is never reused and consecutive registrations do not get consecutive IDs (which
 * would let anyone guess the ID of the next patient of a facility).
 */
public final class NationalHealthId {
  /** The identifier system of national health IDs in FHIR ({@code Patient.identifier.system}). */
  public static final String SYSTEM = "http://lafia.health/fhir/sid/national-health-id";
  public static final long CAPACITY = 1_000_000_000L;
  /** Prime to 10^9 (neither 2 nor 5 divides it): n -> (n * MULTIPLIER + OFFSET) mod 10^9 is a bijection. */
  private static final long MULTIPLIER = 387_420_489L; // 3^18
  private static final long OFFSET = 104_729L;

  private final String country;
  private final String digits; // nine digits and the check digit

  private NationalHealthId(String country, String digits) {
    this.country = country;
    this.digits = digits;
  }

  /** The ID issued as the {@code n}-th of {@code country} (n from 1; never the same for two n). */
  public static NationalHealthId issue(String country, long n) {
    String cc = countryCode(country);
    if (n < 1 || n >= CAPACITY) throw new IllegalArgumentException("Sequence number out of range: " + n);
    long serial = (n * MULTIPLIER + OFFSET) % CAPACITY;
    String nine = String.format(Locale.ROOT, "%09d", serial);
    return new NationalHealthId(cc, nine + Verhoeff.checkDigit(nine));
  }

  /**
   * Reads an ID as people write it (spaces, hyphens, dots, lower case), or says what is wrong,
   * in French then English, naming the problem so that the person at the desk can correct it.
   */
  public static NationalHealthId parse(String text) {
    Optional<String> problem = problem(text);
    if (problem.isPresent()) throw new InvalidNationalHealthId(problem.get());
    String s = compact(text);
    return new NationalHealthId(s.substring(0, 2), s.substring(2));
  }

  /** Whether {@code text} is a valid ID (format and check digit). */
  public static boolean isValid(String text) {
    return problem(text).isEmpty();
  }

  /** What is wrong with {@code text} as an ID, or empty if nothing. */
  public static Optional<String> problem(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of("L'identifiant national de santé est vide. / The national health ID is empty.");
    }
    String s = compact(text);
    if (s.length() != 12 || !Character.isLetter(s.charAt(0)) || !Character.isLetter(s.charAt(1))
        || !s.substring(2).chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      return Optional.of("L'identifiant national de santé « " + text.strip() + " » doit comporter le code du pays et"
          + " dix chiffres (ex. TG 482 915 307 2). / The national health ID '" + text.strip()
          + "' must be a country code and ten digits (e.g. TG 482 915 307 2).");
    }
    if (!Verhoeff.valid(s.substring(2))) {
      return Optional.of("L'identifiant national de santé « " + text.strip() + " » a une clé de contrôle fausse :"
          + " un chiffre a probablement été mal recopié. / The check digit of national health ID '" + text.strip()
          + "' is wrong: a digit was probably mistyped.");
    }
    return Optional.empty();
  }

  private static String compact(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == ' ' || ch == '-' || ch == '.' || ch == '\u00a0') continue;
      b.append(Character.toUpperCase(ch));
    }
    return b.toString();
  }

  private static String countryCode(String country) {
    if (country == null || !country.matches("[A-Za-z]{2}")) {
      throw new IllegalArgumentException("Country must be an ISO 3166 alpha-2 code, not '" + country + "'");
    }
    return country.toUpperCase(Locale.ROOT);
  }

  public String country() {
    return country;
  }

  /** The stored form: {@code TG4829153072}. */
  public String value() {
    return country + digits;
  }

  /** As printed on a card: {@code TG 482 915 307 2}. */
  public String display() {
    return country + " " + digits.substring(0, 3) + " " + digits.substring(3, 6) + " " + digits.substring(6, 9) + " "
        + digits.charAt(9);
  }

  @Override
  public String toString() {
    return value();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NationalHealthId other && other.value().equals(value());
  }

  @Override
  public int hashCode() {
    return value().hashCode();
  }

  /** An ID that cannot be read, with a message for the person who typed it. */
  public static final class InvalidNationalHealthId extends IllegalArgumentException {
    InvalidNationalHealthId(String message) {
      super(message);
    }
  }

  /** Verhoeff's dihedral-group check digit (commons-validator's implementation). */
  static final class Verhoeff {
    private static final org.apache.commons.validator.routines.checkdigit.CheckDigit DIGIT =
        org.apache.commons.validator.routines.checkdigit.VerhoeffCheckDigit.VERHOEFF_CHECK_DIGIT;

    static String checkDigit(String digits) {
      try {
        return DIGIT.calculate(digits);
      } catch (org.apache.commons.validator.routines.checkdigit.CheckDigitException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    static boolean valid(String digitsWithCheck) {
      return DIGIT.isValid(digitsWithCheck);
    }
  }
}
