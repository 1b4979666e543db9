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
 */
@ConfigurationProperties("lafia.registry")
public record RegistryProperties(@DefaultValue("TG") String country, String modelFile) {
  public RegistryProperties {
    if (country == null || !country.matches("[A-Za-z]{2}")) {
      throw new IllegalArgumentException("lafia.registry.country must be an ISO 3166 alpha-2 code (TG, CM, MA), not '" + country + "'");
    }
    country = country.toUpperCase(java.util.Locale.ROOT);
  }
}
