package org.lafia.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.lafia.fhir.spi.IncomingResources;
import org.springframework.stereotype.Component;

/**
 * The health-worker registry's rules (IHE mCSD: a {@code Practitioner} and their
 * {@code PractitionerRole} at a facility), on every write by any path: a professional licence
 * number names one health worker; a role says who ({@code practitioner}) works where
 * ({@code organization}); a cadre is one the country knows.
 */
@Component
class WorkerRules implements IncomingResources {
  static final String CADRE = "http://lafia.health/fhir/CodeSystem/cadre";
  /** Cadres (Lafia's CodeSystem): a country adds its own in the code system before using them. */
  static final Set<String> CADRES = Set.of("medecin", "infirmier", "sage-femme", "pharmacien", "technicien-laboratoire", "asc");

  @Override
  public Set<String> types() {
    return Set.of("Practitioner", "PractitionerRole");
  }

  /** A professional licence's identifier system: one per country and profession's body, named so. */
  static boolean licence(Identifier id) {
    return id.hasSystem() && id.getSystem().endsWith("professional-licence") && id.hasValue();
  }

  @Override
  public boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous, Store store) throws SQLException {
    if (resource instanceof Practitioner p) {
      List<Identifier> ids = p.getIdentifier();
      for (int i = 0; i < ids.size(); i++) {
        Identifier x = ids.get(i);
        if (!licence(x)) continue;
        for (IBaseResource other : store.search("Practitioner", Map.of("identifier", List.of(x.getSystem() + "|" + x.getValue()),
            "_count", List.of("2")))) {
          String otherId = other.getIdElement().getIdPart();
          if (!otherId.equals(p.getIdPart())) {
            throw new Rejected("Practitioner.identifier[" + i + "].value", "Le numéro d'autorisation d'exercer " + x.getValue()
                + " est déjà celui de Practitioner/" + otherId + ". / Licence number " + x.getValue() + " already names Practitioner/"
                + otherId + ".");
          }
        }
      }
    } else if (resource instanceof PractitionerRole r) {
      // A literal reference or a logical one (an identifier: Synthea's NPI, iHRIS's own numbers) says who and where alike.
      if (!r.hasPractitioner() || !(r.getPractitioner().hasReference() || r.getPractitioner().hasIdentifier())) {
        throw new Rejected("PractitionerRole.practitioner", "Un poste est celui d'un professionnel : donnez PractitionerRole.practitioner."
            + " / A role is a health worker's: give PractitionerRole.practitioner.");
      }
      if (!r.hasOrganization() || !(r.getOrganization().hasReference() || r.getOrganization().hasIdentifier())) {
        throw new Rejected("PractitionerRole.organization", "Un poste est dans un établissement : donnez PractitionerRole.organization."
            + " / A role is at a facility: give PractitionerRole.organization.");
      }
      List<CodeableConcept> codes = r.getCode();
      for (int i = 0; i < codes.size(); i++) {
        for (Coding cd : codes.get(i).getCoding()) {
          if (CADRE.equals(cd.getSystem()) && !CADRES.contains(cd.getCode())) {
            throw new Rejected("PractitionerRole.code[" + i + "]", "Cadre inconnu « " + cd.getCode() + " » : " + String.join(", ",
                new java.util.TreeSet<>(CADRES)) + ". / Unknown cadre '" + cd.getCode() + "'.");
          }
        }
      }
    }
    return false;
  }
}
