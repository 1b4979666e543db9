package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The firewall's loop over header values accepts exactly what Spring Security's default pattern accepts. */
class FirewallTest {
  private static final Pattern DEFAULT = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

  @Test
  void header_values_are_judged_as_the_default_pattern_judges_them_for_every_code_point() {
    int differences = 0;
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      String one = "Bearer a" + new String(Character.toChars(cp)) + "z";
      if (SecurityConfiguration.printable(one) != DEFAULT.matcher(one).matches()) differences++;
    }
    assertThat(differences).isZero();
    assertThat(SecurityConfiguration.printable("Bearer eyJhbGciOi.é.日本")).isTrue();
    assertThat(SecurityConfiguration.printable("Bearer x\r\nSet-Cookie: a=b")).isFalse();
    assertThat(SecurityConfiguration.printable("a\u0085b")).isFalse(); // a C1 control
    assertThat(SecurityConfiguration.printable("a\uDBFF\uDFFFb")).isFalse(); // an unassigned code point
  }
}
