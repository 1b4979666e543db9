package org.lafia.registry.matching;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Names as the registry compares them. No phonetic key of the libraries fits names written in
 * French in West and Central Africa and the Maghreb (Soundex and Metaphone are English; Beider-Morse
 * knows neither Ewe nor French transliterations of Arabic), so the keys are ours:
 * <ul>
 *   <li>{@link #clean}: lower case, accents and punctuation gone, Arabic script transliterated
 *       (ICU), hyphens as spaces: {@code Jean-Paul} and {@code JEAN PAUL} are one name;
 *   <li>{@link #compact}: without spaces and without a leading Arabic article ({@code El Amrani},
 *       {@code Elamrani} and {@code Al Amrani} are {@code amrani});
 *   <li>{@link #skeleton}: the consonants of the compact form after the spellings French gives to
 *       one sound are made one ({@code ou}/{@code u}/{@code w}, {@code kh}/{@code k}, {@code dj}/{@code j},
 *       {@code ph}/{@code f}, doubled letters): {@code Mohamed}, {@code Mohammed}, {@code Mouhamed}
 *       are {@code mhmd}; {@code Youssef} and {@code Youssouf} are {@code isf}; {@code Kossi} and
 *       {@code Kwasi} are {@code ks} — a key so common that blocking never uses it alone.
 * </ul>
 */
public final class Names {
  private Names() {}

  /** Words that belong to the next one ({@code Ngo Mbarga}, {@code Ould Ahmed}, {@code Ben Salah}, {@code De Souza}). */
  private static final Set<String> PARTICLES = Set.of("el", "al", "ben", "bin", "ibn", "ould", "ag", "ngo", "nga", "de",
      "du", "da", "des", "dos", "van", "von", "le", "la", "abd", "abdel", "abou", "abu", "bou");

  private static final com.ibm.icu.text.Transliterator ARABIC =
      com.ibm.icu.text.Transliterator.getInstance("Arabic-Latin; Latin-ASCII");

  /** Lower case, letters and digits only, single spaces; Arabic script in Latin letters. */
  public static String clean(String s) {
    if (s == null || s.isEmpty()) return "";
    if (hasArabic(s)) {
      synchronized (ARABIC) { // ICU transliterators are not thread-safe
        s = ARABIC.transliterate(s);
      }
    }
    String d = Normalizer.normalize(s, Normalizer.Form.NFD);
    StringBuilder b = new StringBuilder(d.length());
    boolean space = true;
    for (int i = 0; i < d.length(); i++) {
      char ch = d.charAt(i);
      if (Character.getType(ch) == Character.NON_SPACING_MARK) continue;
      ch = Character.toLowerCase(ch);
      if (ch == 'œ') {
        b.append("oe");
        space = false;
      } else if (ch == 'æ') {
        b.append("ae");
        space = false;
      } else if (ch == 'ß') {
        b.append("ss");
        space = false;
      } else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
        b.append(ch);
        space = false;
      } else if (!space) {
        b.append(' ');
        space = true;
      }
    }
    int n = b.length();
    if (n > 0 && b.charAt(n - 1) == ' ') b.setLength(n - 1);
    return b.toString();
  }

  private static boolean hasArabic(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.UnicodeBlock.of(s.charAt(i)) == Character.UnicodeBlock.ARABIC) return true;
    }
    return false;
  }

  /** The words of a cleaned name, each particle joined to the word after it. */
  public static List<String> words(String cleaned) {
    List<String> out = new ArrayList<>();
    if (cleaned.isEmpty()) return out;
    String pending = "";
    for (String w : cleaned.split(" ")) {
      if (PARTICLES.contains(w)) {
        pending += w;
        continue;
      }
      out.add(pending + w);
      pending = "";
    }
    if (!pending.isEmpty()) out.add(pending);
    return out;
  }

  /** The cleaned name without spaces, and without a leading Arabic article. */
  public static String compact(String cleaned) {
    String c = cleaned.replace(" ", "");
    if (c.length() > 4 && (c.startsWith("el") || c.startsWith("al") || c.startsWith("ul"))) c = c.substring(2);
    return c;
  }

  /** The consonant skeleton of a compact name, spellings of one sound made one (see the class comment). */
  public static String skeleton(String compact) {
    if (compact.isEmpty()) return "";
    String s = compact;
    s = s.replace("ph", "f").replace("kh", "k").replace("gh", "g").replace("dj", "j").replace("dh", "d")
        .replace("th", "t").replace("sh", "x").replace("ch", "x").replace("tch", "x").replace("qu", "k")
        .replace("ck", "k").replace("ou", "u").replace("oo", "u").replace('w', 'u').replace('q', 'k')
        .replace('z', 's').replace('y', 'i');
    StringBuilder soft = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == 'c') {
        char next = i + 1 < s.length() ? s.charAt(i + 1) : ' ';
        ch = next == 'e' || next == 'i' ? 's' : 'k';
      }
      soft.append(ch);
    }
    StringBuilder out = new StringBuilder(soft.length());
    out.append(soft.charAt(0));
    for (int i = 1; i < soft.length(); i++) {
      char ch = soft.charAt(i);
      if (ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u') continue;
      if (ch == 'h' && i == soft.length() - 1) continue;
      if (out.charAt(out.length() - 1) == ch) continue;
      out.append(ch);
    }
    return out.toString();
  }

  /**
   * Akan and Ewe day names (a child is named for the weekday of their birth), by weekday from
   * Sunday, male forms then female: the spellings of Togo, Ghana and Côte d'Ivoire of one name.
   * Kossi, Kwasi and Kouassi are one name written three ways; Kossi and Kodjo are two.
   */
  private static final String[][][] DAY_NAMES = {
      {{"kossi", "kosi", "kwasi", "kwesi", "akwasi", "kouassi", "kwassi"},
          {"kossiwa", "akossiwa", "akosiwa", "akosua", "akossua", "kossiwavi", "esi", "essi"}},
      {{"kodjo", "kojo", "kwadjo", "kwadwo", "codjo", "kouadio", "kodjovi"},
          {"adjoa", "adjowa", "adwoa", "ajoa", "adjo", "adjovi", "ajowa"}},
      {{"komlan", "komla", "kwabena", "komlavi", "kobla", "kobena", "kabla"}, {"abla", "ablavi", "abena", "ablah", "abra"}},
      {{"kokou", "koku", "kwaku", "kweku", "kokouvi", "kouakou"}, {"akouvi", "akou", "akua", "akuvi", "ekua"}},
      {{"yao", "yawo", "yaw", "yawovi", "yaovi", "kwaw"}, {"yawa", "yaa", "yawavi", "ayawa"}},
      {{"kofi", "koffi", "kofivi", "kouffi", "fiifi"}, {"afi", "afiwa", "afua", "afivi", "afiwavi", "efua", "affi"}},
      {{"komi", "kwami", "kwame", "kwamivi", "kouame", "kouami"}, {"ama", "amavi", "amah", "amivi", "amma"}}};
  private static final java.util.Map<String, String> DAY_OF = new java.util.HashMap<>();

  static {
    for (int d = 0; d < DAY_NAMES.length; d++) {
      for (int sex = 0; sex < 2; sex++) for (String n : DAY_NAMES[d][sex]) DAY_OF.put(n, "day" + d + (sex == 0 ? "m" : "f"));
    }
  }

  /** The day name a compact given name is a spelling of ({@code day0m}: Sunday, male), or null. */
  public static String dayName(String compact) {
    return DAY_OF.get(compact);
  }

  /** Lower-case ASCII of any text (addresses, cities), for exact and near comparisons. */
  public static String plain(String s) {
    return clean(s).toLowerCase(Locale.ROOT);
  }
}
