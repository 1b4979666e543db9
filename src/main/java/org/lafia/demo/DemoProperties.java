package org.lafia.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo country ({@code lafia.demo.*}).
 *
 * @param enabled load the demo country at start-up (idempotent: unchanged resources make no new
 *     version); {@code ./run.sh} turns it on, a deployment with real data leaves it off
 */
@ConfigurationProperties("lafia.demo")
public record DemoProperties(boolean enabled) {}
