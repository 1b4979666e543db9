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
  void null_is_the_null_marker() {
    assertThat(row(null, "")).isEqualTo("\\N\t\n");
  }
}
