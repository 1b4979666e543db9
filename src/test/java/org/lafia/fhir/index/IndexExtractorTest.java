package org.lafia.fhir.index;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class IndexExtractorTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final IndexExtractor EXTRACTOR = new IndexExtractor(CTX, new SearchParamRegistry(CTX));
  private static final int DECEASED = SearchParamRegistry.code("Patient", "deceased");

  private static List<String> indexed(Patient p) {
    return EXTRACTOR.extract(p).tokens.stream().filter(t -> t.sp() == DECEASED).map(IndexRows.Token::code).toList();
  }

  private static List<String> byHapi(Patient p) {
    return CTX.newFhirPath().evaluate(p, IndexExtractor.PATIENT_DECEASED, IBase.class).stream()
        .map(v -> ((BooleanType) v).getValueAsString()).toList();
  }

  @Test
  void patient_deceased_is_indexed_as_hapis_fhirpath_engine_evaluates_it() {
    Patient valueless = new Patient();
    valueless.setDeceased(new BooleanType());
    valueless.getDeceased().addExtension(new Extension("http://example.org/unknown", new StringType("asked")));
    Patient valuelessDate = new Patient();
    valuelessDate.setDeceased(new DateTimeType());
    valuelessDate.getDeceased().addExtension(new Extension("http://example.org/unknown", new StringType("asked")));
    Patient[] cases = {
      new Patient(),
      new Patient().setDeceased(new BooleanType(true)),
      new Patient().setDeceased(new BooleanType(false)),
      new Patient().setDeceased(new DateTimeType("2021-03-04")),
      valueless,
      valuelessDate,
    };
    for (Patient p : cases) {
      assertThat(indexed(p)).as(CTX.newJsonParser().encodeResourceToString(p)).isEqualTo(byHapi(p));
    }
    assertThat(indexed(cases[0])).containsExactly("false");
    assertThat(indexed(cases[3])).containsExactly("true");
  }
}
