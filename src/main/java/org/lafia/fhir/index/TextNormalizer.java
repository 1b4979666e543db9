package org.lafia.fhir.index;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The form in which strings are compared by FHIR string search: case- and accent-insensitive
 * ("amega" finds "Amégan", "nguessan" is not "n'guessan" but "n'gue" finds it), white space
 * folded. Arabic script keeps its letters but loses its diacritics (harakat).
 */
public final class TextNormalizer {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private TextNormalizer() {}

  /** Most names need no decomposition: printable ASCII without doubled or edge spaces. */
  private static boolean plainAscii(String s) {
    int n = s.length();
    if (n == 0 || s.charAt(0) == ' ' || s.charAt(n - 1) == ' ') return false;
    char prev = 'x';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || (c == ' ' && prev == ' ')) return false;
      prev = c;
    }
    return true;
  }

  public static String normalize(String s) {
    if (s == null) return null;
    if (plainAscii(s)) return s.toLowerCase(Locale.ROOT);
    String d = Normalizer.normalize(s, Normalizer.Form.NFKD);
    d = MARKS.matcher(d).replaceAll("");
    d = d.replace('ß', 's').replace('æ', 'a').replace('Æ', 'a').replace('ø', 'o').replace('Ø', 'o')
        .replace('œ', 'o').replace('Œ', 'o').replace('ł', 'l').replace('Ł', 'l').replace('đ', 'd');
    d = SPACES.matcher(d.trim()).replaceAll(" ");
    return d.toLowerCase(Locale.ROOT);
  }
}
