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
    if (ref == null) return null;
    Matcher m = REL.matcher(ref);
    if (!m.matches()) return null;
    return new LocalReference(m.group(1), m.group(2), m.group(3));
  }

  public String typeAndId() {
    return type + "/" + id;
  }
}
