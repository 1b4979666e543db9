package org.lafia.fhir.index;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.junit.jupiter.api.Test;

/** Which parameters read other parameters' rows instead of storing their own. */
class DerivedParamsTest {
  private static final SearchParamRegistry REGISTRY = new SearchParamRegistry(FhirContext.forR4Cached());

  private static int code(String type, String name) {
    return REGISTRY.param(type, name).code();
  }

  @Test
  void patient_is_subject_narrowed_to_patients() {
    SearchParam patient = REGISTRY.param("Observation", "patient");
    assertThat(patient.derived()).isTrue();
    assertThat(patient.stored()).containsExactly(code("Observation", "subject"));
    assertThat(patient.onlyTarget()).isEqualTo("Patient");
    assertThat(REGISTRY.param("Encounter", "patient").stored()).containsExactly(code("Encounter", "subject"));
    assertThat(REGISTRY.param("Observation", "subject").derived()).isFalse();
  }

  @Test
  void combo_parameters_are_the_union_of_their_parts() {
    assertThat(REGISTRY.param("Observation", "combo-code").stored())
        .containsExactlyInAnyOrder(code("Observation", "code"), code("Observation", "component-code"));
    assertThat(REGISTRY.param("Observation", "combo-value-quantity").stored())
        .containsExactlyInAnyOrder(code("Observation", "value-quantity"), code("Observation", "component-value-quantity"));
    assertThat(REGISTRY.param("Observation", "combo-value-concept").stored())
        .containsExactlyInAnyOrder(code("Observation", "value-concept"), code("Observation", "component-value-concept"));
    assertThat(REGISTRY.param("Observation", "combo-code").onlyTarget()).isNull();
  }

  @Test
  void parameters_with_paths_of_their_own_store_their_rows() {
    for (String name : new String[] {"code", "component-code", "value-quantity", "date", "encounter", "category"}) {
      assertThat(REGISTRY.param("Observation", name).derived()).as(name).isFalse();
    }
    assertThat(REGISTRY.param("AllergyIntolerance", "patient").derived()).isFalse(); // its own element
    // Composites keep their definition: they are searched through their components.
    assertThat(REGISTRY.param("Observation", "combo-code-value-quantity").derived()).isFalse();
  }
}
