package org.lafia.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo country ({@code lafia.demo.*}).
 *
 * @param enabled load the demo country at start-up (idempotent: unchanged resources make no new
 *     version); {@code ./run.sh} turns it on, a deployment with real data leaves it off
 * @param patients how many synthetic patients, with their records (default 1,000: the first start
 *     stays short); {@code java -jar lafia.jar demo --patients N} makes more
 */
@ConfigurationProperties("lafia.demo")
public record DemoProperties(boolean enabled, Integer patients) {
  public DemoProperties {
    if (patients == null) patients = 1000;
    if (patients < 0 || patients > 10_000_000) {
      throw new IllegalArgumentException("lafia.demo.patients must be between 0 and 10,000,000, not " + patients + ".");
    }
  }
}
