package org.lafia.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabasePropertiesTest {

  @Test
  void defaults_suit_an_embedded_durable_server() {
    DatabaseProperties p = new DatabaseProperties(null, null, null, null, null, null, null, null);
    assertThat(p.embedded()).isTrue();
    assertThat(p.dataDir()).isEqualTo("./data");
    assertThat(p.embeddedDurable()).isTrue();
    assertThat(p.embeddedSharedBuffers()).isEqualTo("512MB");
  }

  @Test
  void shared_buffers_take_a_postgresql_size_and_nothing_else() {
    assertThat(new DatabaseProperties(null, null, null, null, null, null, null, "2GB").embeddedSharedBuffers())
        .isEqualTo("2GB");
    assertThatThrownBy(() -> new DatabaseProperties(null, null, null, null, null, null, null, "lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("512MB or 2GB");
    assertThatThrownBy(() -> new DatabaseProperties(null, null, null, null, null, null, null, "2GB -c fsync=off"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
