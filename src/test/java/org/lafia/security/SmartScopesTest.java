package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lafia.fhir.spi.AccessPolicy.Interaction;

class SmartScopesTest {

  @Test
  void v2_letters_v1_words_and_wildcards_grant_what_they_name() {
    SmartScopes s = SmartScopes.parse(List.of("system/Patient.rs", "system/Observation.cu", "user/Encounter.read", "openid", "fhirUser"));
    assertThat(s.allows("Patient", Interaction.READ)).isTrue();
    assertThat(s.allows("Patient", Interaction.SEARCH)).isTrue();
    assertThat(s.allows("Patient", Interaction.CREATE)).isFalse();
    assertThat(s.allows("Observation", Interaction.CREATE)).isTrue();
    assertThat(s.allows("Observation", Interaction.READ)).isFalse();
    assertThat(s.allows("Encounter", Interaction.SEARCH)).isTrue();
    assertThat(s.allows("Encounter", Interaction.DELETE)).isFalse();
    SmartScopes all = SmartScopes.parse(List.of("system/*.cruds"));
    assertThat(all.allows("Condition", Interaction.DELETE)).isTrue();
    assertThat(SmartScopes.parse(List.of("system/*.write")).allows("Condition", Interaction.READ)).isFalse();
  }

  @Test
  void the_audit_trail_needs_a_scope_that_names_it_and_fine_grained_scopes_grant_nothing_yet() {
    assertThat(SmartScopes.parse(List.of("user/*.cruds")).allows("AuditEvent", Interaction.SEARCH)).isFalse();
    assertThat(SmartScopes.parse(List.of("user/AuditEvent.rs")).allows("AuditEvent", Interaction.SEARCH)).isTrue();
    SmartScopes narrow = SmartScopes.parse(List.of("system/Observation.rs?category=laboratory"));
    assertThat(narrow.allows("Observation", Interaction.READ)).isFalse();
    assertThat(SmartScopes.parse(List.of("system/Patient.xyz", "system/.rs", "patient")).isEmpty()).isTrue();
  }

  @Test
  void a_persons_token_scopes_narrow_their_roles_never_widen_them() {
    SmartScopes roles = SmartScopes.parse(Role.AUDITOR.scopes);
    SmartScopes narrowed = roles.and(SmartScopes.parse(List.of("user/*.cruds")));
    assertThat(narrowed.allows("AuditEvent", Interaction.READ)).isTrue();
    assertThat(narrowed.allows("Patient", Interaction.READ)).isFalse();
    SmartScopes clinician = SmartScopes.parse(Role.CLINICIAN.scopes).and(SmartScopes.parse(List.of("user/Patient.rs")));
    assertThat(clinician.allows("Patient", Interaction.READ)).isTrue();
    assertThat(clinician.allows("Observation", Interaction.READ)).isFalse();
  }
}
