package org.lafia.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.lafia.fhir.spi.IncomingResources;
import org.lafia.registry.matching.PersonMatcher;
import org.lafia.registry.matching.PersonRecord;
import org.lafia.security.Actor;
import org.springframework.stereotype.Component;

/**
 * The national health ID on every Patient written, by any path, and the person each record belongs to.
 *
 * <ul>
 *   <li>A new record without an ID is matched against the registry ({@link Registration}): it
 *       joins the person it certainly is (and takes their ID), or it is a new person with the next
 *       ID of the deployment's country, its probable matches queued for the stewards.
 *   <li>An ID sent is checked (format and Verhoeff digit), stored in its canonical form, and names
 *       the person the record belongs to.
 *   <li>A record keeps its ID: an update that leaves it out keeps it. Only a registry steward (or
 *       the national administrator) may change it — that is how two persons are merged, and how a
 *       merge is undone: the record takes the other person's ID, keeps the former one as an
 *       {@code old} identifier, and the registry records the move and publishes its event.
 *   <li>IDs of other countries are accepted when valid (a patient from across the border keeps
 *       theirs) and do not stop this country's ID being issued.
 * </ul>
 */
@Component
class HealthIdRules implements IncomingResources {
  /** Roles that may move a record from one person to another. */
  private static final Set<String> MERGERS = Set.of("registry-steward", "national-admin");

  private final String country;
  private final Registration registration;

  HealthIdRules(RegistryProperties props, Registration registration) {
    this.country = props.country();
    this.registration = registration;
  }

  @Override
  public Set<String> types() {
    return Set.of("Patient");
  }

  @Override
  public boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous, Store store) throws SQLException {
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
      if (!parsed.country().equals(country) || id.getUse() == Identifier.IdentifierUse.OLD) continue;
      if (own != null && !own.getValue().equals(parsed.value())) {
        throw new Rejected(where, "Une personne n'a qu'un identifiant national de santé (" + own.getValue() + " et "
            + parsed.value() + "). / A person has one national health ID (" + own.getValue() + " and " + parsed.value() + ").");
      }
      own = id;
    }
    String kept = previous == null ? null : currentId((Patient) previous, country);
    String id = p.getIdPart();
    if (kept != null && own != null && !kept.equals(own.getValue())) {
      move(c, p, (Patient) previous, kept, own.getValue(), store);
      changed = true;
    } else if (own == null && kept != null) {
      p.addIdentifier(new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL).setSystem(NationalHealthId.SYSTEM).setValue(kept));
      keepOldIds(p, (Patient) previous);
      changed = true;
    } else if (previous != null) {
      if (keepOldIds(p, (Patient) previous)) changed = true;
      if (own == null && kept == null) {
        changed |= register(c, p); // a record stored before the registry: registered now
      } else {
        String nhid = own != null ? own.getValue() : kept;
        ensureLinked(c, id, nhid);
        rematch(c, p, (Patient) previous, nhid);
      }
    } else if (own != null) {
      // A person who shows their ID (a card) is that person, whatever the matching would say.
      if (PersonLinks.retired(c, own.getValue())) {
        throw new Rejected("Patient.identifier", "L'identifiant " + own.getValue() + " a été fusionné dans une autre personne :"
            + " cherchez son dossier (Patient?identifier=" + NationalHealthId.SYSTEM + "|" + own.getValue() + "). / ID "
            + own.getValue() + " was merged into another person: look up their record.");
      }
      PersonLinks.link(c, id, own.getValue(), "identified", null, null, null, agent());
    } else {
      changed = register(c, p);
    }
    // What the registry matches the next records on: this record as it is now stored.
    PersonRecord indexed = RegistryMatcher.record(p, false);
    RegistryIndex.put(c, indexed, () -> PersonMatcher.keys(registration.engine().prepare(indexed)));
    return changed;
  }

  @Override
  public void deleted(Connection c, String type, String id) throws SQLException {
    RegistryIndex.remove(c, id); // no longer a candidate; its link and history stay
  }

  /** A new record without an ID: matched, given its person's ID or a new one, and its probable matches queued. */
  private boolean register(Connection c, Patient p) throws SQLException {
    Registration.Decision d = registration.decide(c, RegistryMatcher.record(p, true));
    String nhid = d.nhid() != null ? d.nhid() : NationalHealthId.issue(country, next(c)).value();
    p.addIdentifier(new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL).setSystem(NationalHealthId.SYSTEM).setValue(nhid));
    PersonLinks.link(c, p.getIdPart(), nhid, d.band(), d.score(), d.matched(), d.evidence(), PersonLinks.AUTOMATIC);
    if (d.nhid() != null) seeAlso(p, d.matched()); // joined a person: the record it matched is the same person's
    for (Registration.Candidate cand : d.reviews()) PersonLinks.review(c, p.getIdPart(), cand);
    return true;
  }

  /**
   * A record whose names, birth date, sex, phone or IDs changed (a facility corrected them) is
   * matched again: another person it now probably is goes to the stewards' queue. Never linked
   * without them — a record that has a person is moved only by a steward.
   */
  private void rematch(Connection c, Patient p, Patient previous, String nhid) throws SQLException {
    PersonRecord now = RegistryMatcher.record(p, false), before = RegistryMatcher.record(previous, false);
    if (java.util.Arrays.equals(now.values(), before.values())) return;
    // Without its own national health ID: another person's differs by definition, which is what is being asked.
    Registration.Decision d = registration.decide(c, now.with("nationalId", null));
    for (Registration.Candidate cand : d.nhid() != null
        ? List.of(new Registration.Candidate(d.matched(), d.nhid(), d.score(), d.evidence(), true, true)) : d.reviews()) {
      if (!cand.nhid().equals(nhid)) PersonLinks.review(c, p.getIdPart(), cand);
    }
  }

  /** A record stored before the registry kept its links (migration V16) gets one as it is next written. */
  private static void ensureLinked(Connection c, String id, String nhid) throws SQLException {
    try (var ps = c.prepareStatement("select 1 from registry_link where patient_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) return;
      }
    }
    PersonLinks.link(c, id, nhid, "identified", null, null, null, PersonLinks.AUTOMATIC);
  }

  /**
   * A steward moves the record to another person: allowed to them only, and only to a person
   * who exists and has not been merged away; the former ID stays on the record as {@code old}.
   */
  private void move(Connection c, Patient p, Patient previous, String from, String to, Store store) throws SQLException {
    Actor actor = Actor.current();
    if (actor == null || actor.system() || actor.roles().stream().noneMatch(MERGERS::contains)) {
      throw new Rejected("Patient.identifier", "L'identifiant national de santé de cette personne est " + from
          + " ; il ne peut pas devenir " + to + " : deux dossiers d'une même personne sont fusionnés par un gestionnaire du"
          + " registre. / This person's national health ID is " + from + "; it cannot become " + to
          + ": two records of one person are merged by a registry steward.");
    }

    boolean unmerge = false;
    for (Identifier i : previous.getIdentifier()) {
      if (NationalHealthId.SYSTEM.equals(i.getSystem()) && i.getUse() == Identifier.IdentifierUse.OLD && to.equals(i.getValue())) unmerge = true;
    }
    // A retired person is brought back only by a record that was theirs (undoing the merge).
    if (!unmerge && PersonLinks.retired(c, to)) {
      throw new Rejected("Patient.identifier", "L'identifiant " + to + " a été fusionné dans une autre personne. / ID " + to
          + " was merged into another person.");
    }
    List<IBaseResource> holders = store.search("Patient", Map.of("identifier", List.of(NationalHealthId.SYSTEM + "|" + to),
        "_count", List.of("20")));
    holders = holders.stream().filter(h -> to.equals(currentId((Patient) h, country)) && !h.getIdElement().getIdPart().equals(p.getIdPart()))
        .toList();
    if (holders.isEmpty() && !unmerge) {
      throw new Rejected("Patient.identifier", "Aucune personne du registre ne porte l'identifiant " + to + ". / No person in the"
          + " registry has ID " + to + ".");
    }
    // The record's former ID stays, as old (a card in the patient's pocket still finds the record); the new one is not old.
    p.getIdentifier().removeIf(i -> NationalHealthId.SYSTEM.equals(i.getSystem()) && i.getUse() == Identifier.IdentifierUse.OLD
        && to.equals(i.getValue()));
    keepOldIds(p, previous);
    if (p.getIdentifier().stream().noneMatch(i -> NationalHealthId.SYSTEM.equals(i.getSystem()) && from.equals(i.getValue()))) {
      p.addIdentifier(new Identifier().setUse(Identifier.IdentifierUse.OLD).setSystem(NationalHealthId.SYSTEM).setValue(from));
    }
    // Patient.link: the record now says which record of its new person to see as well (none after an unmerge to a lone ID).
    p.getLink().removeIf(l -> l.getType() == Patient.LinkType.SEEALSO);
    if (!holders.isEmpty()) seeAlso(p, holders.get(0).getIdElement().getIdPart());
    List<IBaseResource> others = store.search("Patient", Map.of("identifier", List.of(NationalHealthId.SYSTEM + "|" + from),
        "_count", List.of("50")));
    boolean othersOnFrom = others.stream().anyMatch(r -> !r.getIdElement().getIdPart().equals(p.getIdPart())
        && from.equals(currentId((Patient) r, country)));
    PersonLinks.moved(c, p.getIdPart(), from, to, unmerge, othersOnFrom, actor.subject(),
        unmerge ? "fusion annulée / merge undone" : "fusion / merge");
  }

  /** {@code Patient.link} of type seealso to another record of the same person (once). */
  private static void seeAlso(Patient p, String other) {
    if (other == null) return;
    String ref = "Patient/" + other;
    if (p.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.SEEALSO && ref.equals(l.getOther().getReference()))) return;
    p.addLink().setType(Patient.LinkType.SEEALSO).setOther(new org.hl7.fhir.r4.model.Reference(ref));
  }

  /** The former IDs a record had (use old) and its links to the same person's records stay on it, whatever an update sends. */
  private static boolean keepOldIds(Patient p, Patient previous) {
    boolean added = false;
    // And the registry's links to the person's other records, which a facility's own copy does not carry.
    for (Patient.PatientLinkComponent l : previous.getLink()) {
      if (l.getType() != Patient.LinkType.SEEALSO || !l.getOther().hasReference()) continue;
      String ref = l.getOther().getReference();
      if (p.getLink().stream().noneMatch(x -> x.getType() == Patient.LinkType.SEEALSO && ref.equals(x.getOther().getReference()))) {
        p.addLink(l.copy());
        added = true;
      }
    }
    for (Identifier i : previous.getIdentifier()) {
      if (!NationalHealthId.SYSTEM.equals(i.getSystem()) || i.getUse() != Identifier.IdentifierUse.OLD) continue;
      boolean present = p.getIdentifier().stream().anyMatch(x -> NationalHealthId.SYSTEM.equals(x.getSystem())
          && i.getValue().equals(x.getValue()));
      if (!present) {
        p.addIdentifier(i.copy());
        added = true;
      }
    }
    return added;
  }

  /** The record's national health ID of this country (not a former one), or null. */
  static String currentId(Patient p, String country) {
    for (Identifier id : p.getIdentifier()) {
      if (NationalHealthId.SYSTEM.equals(id.getSystem()) && id.getUse() != Identifier.IdentifierUse.OLD
          && NationalHealthId.isValid(id.getValue()) && NationalHealthId.parse(id.getValue()).country().equals(country)) {
        return NationalHealthId.parse(id.getValue()).value();
      }
    }
    return null;
  }

  private static String agent() {
    Actor a = Actor.current();
    return a == null ? PersonLinks.AUTOMATIC : a.subject();
  }

  private static long next(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select nextval('registry_health_id_seq')")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
