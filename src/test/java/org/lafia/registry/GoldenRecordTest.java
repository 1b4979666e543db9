package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lafia.registry.matching.PersonRecord;

/** Survivorship: which value of a person's records the golden record keeps, field by field, and why. */
class GoldenRecordTest {
  private static GoldenRecord.Source source(String id, String given, String family, String birthDate, String phone, String address,
      int day) {
    PersonRecord r = PersonRecord.of(id).with("given", given).with("family", family).with("sex", "male").with("birthDate", birthDate)
        .with("phone", phone).with("address", address);
    return new GoldenRecord.Source(r, OffsetDateTime.parse("2026-01-01T08:00:00Z").plusDays(day));
  }

  @Test
  void each_field_by_its_rule_with_the_record_it_came_from() {
    Map<String, GoldenRecord.Value> g = GoldenRecord.of(List.of(
        source("chu", "Mohamed", "El Amrani", "1985", "+212 600 11 22 33", "12 rue des Orangers", 1),
        source("cms", "Mohamed", "EL AMRANI", "1985-03-14", null, null, 2),
        source("usp", "Mohammed", "Elamrani", "1985-01-01", "+212 611 44 55 66", null, 3)));
    // Names: the most frequent spelling (case and accents aside), as the most recent of those wrote it.
    assertThat(g.get("given").value()).isEqualTo("Mohamed");
    assertThat(g.get("given").rule()).isEqualTo("most-frequent");
    assertThat(g.get("family").value()).isEqualTo("EL AMRANI");
    assertThat(g.get("family").source()).isEqualTo("cms");
    // Birth date: the full date beats a year and a 1 January placeholder, however recent.
    assertThat(g.get("birthDate").value()).isEqualTo("1985-03-14");
    assertThat(g.get("birthDate").source()).isEqualTo("cms");
    assertThat(g.get("birthDate").rule()).isEqualTo("most-precise");
    // Phone and address: the most recent record that has one.
    assertThat(g.get("phone").value()).isEqualTo("+212 611 44 55 66");
    assertThat(g.get("phone").source()).isEqualTo("usp");
    assertThat(g.get("address").value()).isEqualTo("12 rue des Orangers");
    assertThat(g.get("address").source()).isEqualTo("chu");
    assertThat(g.get("sex").value()).isEqualTo("male");
  }

  @Test
  void one_record_is_its_own_golden_record_and_absent_fields_stay_absent() {
    Map<String, GoldenRecord.Value> g = GoldenRecord.of(List.of(source("a", "Afi", "Mensah", null, null, null, 0)));
    assertThat(g.get("given").value()).isEqualTo("Afi");
    assertThat(g.get("given").rule()).isEqualTo("most-recent");
    assertThat(g).doesNotContainKeys("birthDate", "phone", "address");
  }
}
