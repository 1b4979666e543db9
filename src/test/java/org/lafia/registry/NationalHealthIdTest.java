package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NationalHealthIdTest {

  @Test
  void issued_ids_are_valid_and_never_repeat() {
    Set<String> seen = new HashSet<>();
    for (long n = 1; n <= 200_000; n++) {
      NationalHealthId id = NationalHealthId.issue("TG", n);
      assertThat(seen.add(id.value())).as("id %d", n).isTrue();
      if (n % 1000 == 0) assertThat(NationalHealthId.isValid(id.value())).isTrue();
    }
    assertThat(NationalHealthId.issue("tg", 999_999_999L).value()).startsWith("TG").hasSize(12);
  }

  @Test
  void consecutive_registrations_do_not_get_consecutive_ids() {
    long a = Long.parseLong(NationalHealthId.issue("TG", 1000).value().substring(2, 11));
    long b = Long.parseLong(NationalHealthId.issue("TG", 1001).value().substring(2, 11));
    assertThat(Math.abs(a - b)).isGreaterThan(1000);
  }

  @Test
  void every_single_digit_error_and_adjacent_swap_is_caught() {
    String id = NationalHealthId.issue("CM", 4242).value();
    String digits = id.substring(2);
    for (int i = 0; i < digits.length(); i++) {
      for (char d = '0'; d <= '9'; d++) {
        if (d == digits.charAt(i)) continue;
        String wrong = "CM" + digits.substring(0, i) + d + digits.substring(i + 1);
        assertThat(NationalHealthId.isValid(wrong)).as(wrong).isFalse();
      }
      if (i + 1 < digits.length() && digits.charAt(i) != digits.charAt(i + 1)) {
        String swapped = "CM" + digits.substring(0, i) + digits.charAt(i + 1) + digits.charAt(i) + digits.substring(i + 2);
        assertThat(NationalHealthId.isValid(swapped)).as(swapped).isFalse();
      }
    }
  }

  @Test
  void an_id_is_read_as_people_write_it_and_printed_as_on_a_card() {
    NationalHealthId id = NationalHealthId.issue("TG", 77);
    String spaced = id.display();
    assertThat(spaced).matches("TG \\d{3} \\d{3} \\d{3} \\d");
    assertThat(NationalHealthId.parse(spaced.toLowerCase().replace(' ', '-'))).isEqualTo(id);
    assertThat(NationalHealthId.parse(" " + id.value() + " ").value()).isEqualTo(id.value());
  }

  @Test
  void the_documented_example_is_a_valid_id() {
    assertThat(NationalHealthId.isValid("TG 482 915 307 2")).isTrue();
    assertThat(NationalHealthId.isValid("TG 482 915 307 6")).isFalse();
  }

  @Test
  void a_wrong_id_is_refused_with_a_message_naming_the_problem() {
    assertThatThrownBy(() -> NationalHealthId.parse("")).hasMessageContaining("vide").hasMessageContaining("empty");
    assertThatThrownBy(() -> NationalHealthId.parse("TG12345")).hasMessageContaining("dix chiffres").hasMessageContaining("ten digits");
    String id = NationalHealthId.issue("TG", 5).value();
    String typo = id.substring(0, 11) + (char) ('0' + (id.charAt(11) - '0' + 1) % 10);
    assertThatThrownBy(() -> NationalHealthId.parse(typo)).isInstanceOf(NationalHealthId.InvalidNationalHealthId.class)
        .hasMessageContaining("clé de contrôle").hasMessageContaining("check digit");
  }
}
