package org.lafia.security;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * TOTP (RFC 6238: 30-second steps, 6 digits, HMAC-SHA1, what every authenticator app speaks),
 * required of administrative roles. A code of the step before or after is accepted too, for
 * clocks a little apart.
 */
final class SecondFactor {
  private static final TimeBasedOneTimePasswordGenerator TOTP = new TimeBasedOneTimePasswordGenerator();

  private SecondFactor() {}

  static boolean verify(String base32Secret, String code, Instant now) {
    if (base32Secret == null || code == null) return false;
    String digits = code.replaceAll("\\s", "");
    if (!digits.matches("\\d{6}")) return false;
    SecretKeySpec key = new SecretKeySpec(new Base32().decode(base32Secret), "HmacSHA1");
    try {
      for (int step = -1; step <= 1; step++) {
        int expected = TOTP.generateOneTimePassword(key, now.plus(TOTP.getTimeStep().multipliedBy(step)));
        if (String.format("%06d", expected).equals(digits)) return true;
      }
    } catch (InvalidKeyException e) {
      return false;
    }
    return false;
  }

  /** The current code of a secret (for tests and the documented demo account). */
  static String codeAt(String base32Secret, Instant at) {
    try {
      return String.format("%06d", TOTP.generateOneTimePassword(new SecretKeySpec(new Base32().decode(base32Secret), "HmacSHA1"), at));
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A new random secret, base32 (160 bits, as RFC 4226 recommends). */
  static String newSecret() {
    byte[] b = new byte[20];
    new SecureRandom().nextBytes(b);
    return new Base32().encodeToString(b).replace("=", "");
  }

  static Duration step() {
    return TOTP.getTimeStep();
  }
}
