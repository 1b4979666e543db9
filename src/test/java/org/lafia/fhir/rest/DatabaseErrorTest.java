package org.lafia.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** How a database failure reaches the client: never a bare 500 when the client can act on it. */
class DatabaseErrorTest {
  private static FhirError mapped(String sqlState) {
    return FhirServlet.mapSql(new SQLException("from PostgreSQL", sqlState));
  }

  @Test
  void a_full_disk_or_exhausted_database_is_a_503_saying_nothing_was_stored() {
    for (String state : new String[] {"53100", "53200", "53300"}) {
      FhirError e = mapped(state);
      assertThat(e.status()).as(state).isEqualTo(503);
      assertThat(e.issueCode()).isEqualTo("transient");
      assertThat(e.getMessage()).contains("nothing was stored").contains("rien n'a été enregistré");
    }
    assertThat(mapped("53100").getMessage()).contains("disk full");
  }

  @Test
  void an_unreachable_or_restarting_database_is_a_503_and_conflicts_stay_409() {
    assertThat(mapped("08006").status()).isEqualTo(503);
    assertThat(mapped("57P01").status()).isEqualTo(503);
    assertThat(mapped("57P01").getMessage()).contains("retry later").contains("réessayez");
    assertThat(mapped("23505").status()).isEqualTo(409);
    assertThat(mapped("40001").status()).isEqualTo(409);
    assertThat(mapped("22001").status()).isEqualTo(400);
    assertThat(mapped("XX000").status()).isEqualTo(500);
  }
}
