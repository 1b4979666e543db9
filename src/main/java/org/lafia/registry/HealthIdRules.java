package org.lafia.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.lafia.fhir.spi.IncomingResources;
import org.springframework.stereotype.Component;

/**
 * The national health ID on every Patient written, by any path: a new person gets the next ID of
 * the deployment's country; an ID sent is checked (format and Verhoeff digit) and stored in its
 * canonical form; a person keeps the ID they have — an update that leaves it out keeps it, an
 * update that changes it is refused (two records of one person are merged by the registry, never
 * by rewriting an ID). IDs of other countries are accepted when valid (a patient from across the
 * border keeps theirs) and do not stop this country's ID being issued.
 */
@Component
class HealthIdRules implements IncomingResources {
  private final String country;

  HealthIdRules(RegistryProperties props) {
    this.country = props.country();
  }

  @Override
  public Set<String> types() {
    return Set.of("Patient");
  }

  @Override
  public boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous) throws SQLException {
    Patient p = (Patient) resource;
    boolean changed = false;
    Identifier own = null;
    List<Identifier> ids = p.getIdentifier();
    for (int i = 0; i < ids.size(); i++) {
      Identifier id = ids.get(i);
      if (!NationalHealthId.SYSTEM.equals(id.getSystem())) continue;
      String where = "Patient.identifier[" + i + "].value";
      Optional<String> problem = NationalHealthId.problem(id.getValue());
      if (problem.isPresent()) throw new Rejected(where, problem.get());
      NationalHealthId parsed = NationalHealthId.parse(id.getValue());
      if (!parsed.value().equals(id.getValue())) {
        id.setValue(parsed.value());
        changed = true;
      }
      if (!parsed.country().equals(country)) continue;
      if (own != null && !own.getValue().equals(parsed.value())) {
        throw new Rejected(where, "Une personne n'a qu'un identifiant national de santé (" + own.getValue() + " et "
            + parsed.value() + "). / A person has one national health ID (" + own.getValue() + " and " + parsed.value() + ").");
      }
      own = id;
    }
    Identifier kept = previous == null ? null : ownId((Patient) previous);
    if (kept != null && own != null && !kept.getValue().equals(own.getValue())) {
      throw new Rejected("Patient.identifier", "L'identifiant national de santé de cette personne est " + kept.getValue()
          + " ; il ne peut pas devenir " + own.getValue() + " (deux dossiers d'une même personne se fusionnent dans le"
          + " registre). / This person's national health ID is " + kept.getValue() + "; it cannot become " + own.getValue()
          + " (two records of one person are merged in the registry).");
    }
    if (own == null && kept != null) {
      p.addIdentifier(kept.copy());
      return true;
    }
    if (own == null) {
      p.addIdentifier(new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL).setSystem(NationalHealthId.SYSTEM)
          .setValue(NationalHealthId.issue(country, next(c)).value()));
      return true;
    }
    return changed;
  }

  private Identifier ownId(Patient p) {
    for (Identifier id : p.getIdentifier()) {
      if (NationalHealthId.SYSTEM.equals(id.getSystem()) && NationalHealthId.isValid(id.getValue())
          && NationalHealthId.parse(id.getValue()).country().equals(country)) {
        return id;
      }
    }
    return null;
  }

  private static long next(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select nextval('registry_health_id_seq')")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
