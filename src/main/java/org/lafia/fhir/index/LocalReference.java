package org.lafia.fhir.index;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a resource of this server: {@code Type/id}, {@code Type/id/_history/n}. Absolute
 * URLs are kept whole (they may name another server); the REST layer turns absolute URLs that
 * name this server's base into relative ones before they reach here.
 */
public record LocalReference(String type, String id, String version) {
  private static final Pattern REL =
      Pattern.compile("^([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/([A-Za-z0-9\\-.]{1,64}))?$");

  public static LocalReference parse(String ref) {
    if (ref == null || ref.isEmpty() || ref.charAt(0) < 'A' || ref.charAt(0) > 'Z') return null;
    int slash = ref.indexOf('/');
    if (slash > 0 && ref.indexOf('/', slash + 1) < 0 && ref.length() - slash - 1 <= 64 && slash + 1 < ref.length()) {
      // The common case "Type/id" without the regex.
      boolean ok = true;
      for (int i = 0; i < slash && ok; i++) ok = Character.isLetter(ref.charAt(i));
      for (int i = slash + 1; i < ref.length() && ok; i++) {
        char c = ref.charAt(i);
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      }
      if (ok) return new LocalReference(ref.substring(0, slash), ref.substring(slash + 1), null);
    }
    Matcher m = REL.matcher(ref);
    if (!m.matches()) return null;
    return new LocalReference(m.group(1), m.group(2), m.group(3));
  }

  public String typeAndId() {
    return type + "/" + id;
  }
}
