package org.lafia.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
class CopyBufferTest {

  private static String row(String... fields) {
    CopyBuffer b = new CopyBuffer();
    for (String f : fields) b.field(f);
    b.endRow();
    return b.text();
  }

  @Test
  void plain_values_are_copied_as_they_are() {
    assertThat(row("Amégan", "N'Guessan", "عبد الله")).isEqualTo("Amégan\tN'Guessan\tعبد الله\n");
  }

  @Test
  void backslashes_of_stored_json_are_doubled() {
    String json = "{\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">Kossi</div>\"}";
    assertThat(row(json, "x")).isEqualTo(json.replace("\\", "\\\\") + "\tx\n");
  }

  @Test
  void control_characters_and_backslashes_together_are_escaped() {
    assertThat(row("a\\b\tc\nd\re")).isEqualTo("a\\\\b\\tc\\nd\\re\n");
    assertThat(row("line 1\nline 2")).isEqualTo("line 1\\nline 2\n");
  }

  @Test
  void text_beyond_latin_is_utf8_and_numbers_dates_bytes_are_plain() {
    assertThat(row("🦟 paludisme", "ⴰⵎⴰⵣⵉⵖ", "é\\")).isEqualTo("🦟 paludisme\tⴰⵎⴰⵣⵉⵖ\té\\\\\n");
    assertThat(row("a\uD800b")).isEqualTo("a?b\n"); // a lone surrogate has no UTF-8 form
    CopyBuffer b = new CopyBuffer();
    b.field(42L).field((Long) null).field(java.time.Instant.parse("2024-03-01T10:00:00Z"))
        .field(new java.math.BigDecimal("1.50")).field(true).bytes(new byte[] {0x0f, (byte) 0xa0}).endRow();
    assertThat(b.text()).isEqualTo("42\t\\N\t2024-03-01T10:00:00Z\t1.50\tt\t\\\\x0fa0\n");
    assertThat(b.rows()).isEqualTo(1);
  }

  @Test
  void null_is_the_null_marker() {
    assertThat(row(null, "")).isEqualTo("\\N\t\n");
  }
}
