package org.lafia;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code java -jar lafia.jar demo ...}: loads the demo country into a data directory, or says what is wrong. */
class DemoCommandTest {

  @Test
  void wrong_arguments_are_refused_with_exit_status_2() {
    assertThat(LafiaApplication.demo(new String[] {"--country", "FR"})).isEqualTo(2);
    assertThat(LafiaApplication.demo(new String[] {"--patients", "beaucoup"})).isEqualTo(2);
    assertThat(LafiaApplication.demo(new String[] {"--patients"})).isEqualTo(2);
    assertThat(LafiaApplication.demo(new String[] {"--pays", "TG"})).isEqualTo(2);
  }

  @Test
  void the_command_loads_the_country_with_the_patients_asked_for_into_a_data_directory_and_stops() throws Exception {
    Path dir = Path.of("target/test-db/demo-command-" + UUID.randomUUID());
    assertThat(LafiaApplication.demo(new String[] {"--country", "TG", "--patients", "25", "--data-dir", dir.toString()})).isEqualTo(0);
    assertThat(Files.exists(dir.resolve("pg/PG_VERSION"))).isTrue();
    assertThat(Files.exists(dir.resolve("pg/postmaster.pid"))).as("its PostgreSQL stopped with it").isFalse();
  }
}
