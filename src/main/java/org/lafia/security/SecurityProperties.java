package org.lafia.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Security settings ({@code lafia.security.*}).
 *
 * @param issuer the built-in authorization server's issuer URL, written into every token and
 *     checked on every request; every node of a deployment must have the same (the public URL)
 * @param audience the audience tokens must name to be accepted by this API
 * @param externalIssuerUri an external OpenID Connect issuer (e.g. a Keycloak realm); when set,
 *     the built-in authorization server is off and tokens of that issuer are accepted instead
 * @param accessTokenTtl lifetime of a person's access token
 * @param systemTokenTtl lifetime of a system client's access token (SMART advises at most 5 min)
 * @param refreshTokenTtl lifetime of a person's refresh token (web applications with a secret); each
 *     refresh gives a new one, and the one used is then refused (rotation)
 * @param sessionMaxAge how long after signing in a person's refresh tokens stop being renewed,
 *     however often they were used (then the person signs in again)
 * @param keyRotation age at which a new signing key replaces the current one
 * @param maxFailedLogins consecutive failed sign-ins that lock an account
 * @param lockout how long a locked account stays locked
 * @param demoAccounts create the documented demo accounts, demo system client and demo web application
 *     (never in production)
 * @param demoClientSecret the demo web application's secret; blank = the one published in the README
 * @param consoleRedirectUris where the console client may be sent back after sign-in
 * @param claims where roles, facilities and territories are read in an external issuer's tokens
 * @param signInRatePerMinute sign-in attempts and token requests accepted per client address and minute, per node
 */
@ConfigurationProperties(prefix = "lafia.security")
public record SecurityProperties(
    String issuer, String audience, String externalIssuerUri, Duration accessTokenTtl, Duration systemTokenTtl,
    Duration refreshTokenTtl, Duration keyRotation, Integer maxFailedLogins, Duration lockout, Boolean demoAccounts,
    String demoClientSecret, List<String> consoleRedirectUris, Claims claims, Integer signInRatePerMinute, Duration sessionMaxAge) {

  public SecurityProperties {
    if (issuer == null || issuer.isBlank()) issuer = "http://localhost:8080";
    issuer = issuer.replaceAll("/+$", "");
    if (audience == null || audience.isBlank()) audience = "lafia";
    if (externalIssuerUri != null && externalIssuerUri.isBlank()) externalIssuerUri = null;
    if (accessTokenTtl == null) accessTokenTtl = Duration.ofMinutes(15);
    if (systemTokenTtl == null) systemTokenTtl = Duration.ofMinutes(5);
    if (refreshTokenTtl == null) refreshTokenTtl = Duration.ofHours(12);
    if (keyRotation == null) keyRotation = Duration.ofDays(30);
    if (maxFailedLogins == null || maxFailedLogins < 1) maxFailedLogins = 5;
    if (lockout == null) lockout = Duration.ofMinutes(15);
    if (demoAccounts == null) demoAccounts = false;
    if (demoClientSecret != null && demoClientSecret.isBlank()) demoClientSecret = null;
    if (consoleRedirectUris == null || consoleRedirectUris.isEmpty()) {
      consoleRedirectUris = List.of(issuer + "/console/callback");
    }
    if (claims == null) claims = new Claims(null, null, null);
    if (signInRatePerMinute == null || signInRatePerMinute < 1) signInRatePerMinute = 30;
    if (sessionMaxAge == null) sessionMaxAge = Duration.ofHours(12);
    if (keyRotation.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException("lafia.security.key-rotation must be at least 1h, not " + keyRotation + ".");
    }
  }

  public boolean builtIn() {
    return externalIssuerUri == null;
  }

  /**
   * Claim paths (dots descend into objects) in an external issuer's access tokens.
   *
   * @param roles e.g. {@code realm_access.roles} for Keycloak realm roles
   * @param facilities facility ids the user works in
   * @param territories administrative areas the user covers
   */
  public record Claims(String roles, String facilities, String territories) {
    public Claims {
      if (roles == null || roles.isBlank()) roles = "roles";
      if (facilities == null || facilities.isBlank()) facilities = "facilities";
      if (territories == null || territories.isBlank()) territories = "territories";
    }
  }
}
