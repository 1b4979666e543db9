package org.lafia.registry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lafia.registry.*}.
 *
 * @param country the ISO 3166 alpha-2 code of the country whose national health IDs this
 *     deployment issues (TG, CM, MA…)
 * @param modelFile the matching model estimated on the country's own registers ({@code lafia.jar
 *     mpi dedup --model FILE}); empty: the model shipped with Lafia
 * @param autoLink from this probability a new Patient record joins the person it matches, at once
 * @param review from this probability (below {@code autoLink}) it is a new person, and the pair goes
 *     to the registry stewards' review queue
 * @param matchOnRegistration whether a new Patient record is matched against the registry (off:
 *     every record without an ID is a new person, e.g. while a legacy list is loaded for batch linkage)
 */
@ConfigurationProperties("lafia.registry")
public record RegistryProperties(@DefaultValue("TG") String country, String modelFile, @DefaultValue("0.95") double autoLink,
    @DefaultValue("0.5") double review, @DefaultValue("true") boolean matchOnRegistration) {
  public RegistryProperties {
    if (!(review > 0 && review <= autoLink && autoLink <= 1)) {
      throw new IllegalArgumentException("lafia.registry: 0 < review (" + review + ") <= auto-link (" + autoLink + ") <= 1");
    }
    if (country == null || !country.matches("[A-Za-z]{2}")) {
      throw new IllegalArgumentException("lafia.registry.country must be an ISO 3166 alpha-2 code (TG, CM, MA), not '" + country + "'");
    }
    country = country.toUpperCase(java.util.Locale.ROOT);
  }
}
