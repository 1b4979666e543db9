package org.lafia.registry;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.lafia.fhir.spi.IncomingResources;
import org.lafia.fhir.spi.PatientMatcher;
import org.lafia.registry.matching.Names;
import org.lafia.registry.matching.PersonMatcher;
import org.lafia.registry.matching.PersonRecord;
import org.springframework.stereotype.Component;

/**
 * {@code Patient/$match}: the candidates are the records sharing the most blocking keys with the
 * Patient in the registry's own index ({@link RegistryIndex}), as many of them as the caller may
 * see (read by a FHIR search by id run as the caller) — or, for records the index does not know,
 * a few FHIR searches run as the caller (the national health ID; the start of the family name and
 * the birth year; the start of the given name and the birth year; both names swapped; the full
 * birth date and sex; the phone) — then each is scored against the Patient by the matching engine. Grades: certain from the auto-link
 * threshold, probable from the review threshold, possible from 0.1.
 */
@Component
class RegistryMatcher implements PatientMatcher {
  static final double POSSIBLE = 0.1;
  private static final int PER_SEARCH = 50;

  private final PersonMatcher matcher;
  final double certain;
  private final String country;
  final double probable;

  /** Records read from the registry's index per $match, those sharing the most blocking keys. */
  static final int INDEXED = 100;
  private final javax.sql.DataSource dataSource;

  @org.springframework.beans.factory.annotation.Autowired
  RegistryMatcher(RegistryProperties props, org.springframework.beans.factory.ObjectProvider<javax.sql.DataSource> dataSource)
      throws IOException {
    this(props, dataSource.getIfAvailable());
  }

  RegistryMatcher(RegistryProperties props, javax.sql.DataSource dataSource) throws IOException {
    this.dataSource = dataSource;
    this.country = props.country();
    this.certain = props.autoLink();
    this.probable = props.review();
    if (props.modelFile() == null || props.modelFile().isBlank()) {
      this.matcher = PersonMatcher.defaults();
    } else {
      try (Reader r = Files.newBufferedReader(Path.of(props.modelFile()))) {
        this.matcher = PersonMatcher.from(r);
      }
    }
  }

  @Override
  public List<Candidate> match(IBaseResource resource, Function<Map<String, List<String>>, List<IBaseResource>> search, int count,
      boolean onlyCertain) {
    Patient patient = (Patient) resource;
    PersonRecord record = record(patient, true);
    PersonMatcher.Subject subject = matcher.prepare(record);
    if (!subject.hasEvidence()) {
      throw new IncomingResources.Rejected("Patient", "Rien à comparer : donnez au moins un nom, une date de naissance, un"
          + " téléphone ou l'identifiant national de santé. / Nothing to match on: give at least a name, a birth date, a"
          + " phone or the national health ID.");
    }
    Map<String, Patient> candidates = new LinkedHashMap<>();
    // The registry's own index finds the records sharing the most blocking keys (one statement, at any
    // registry size); the caller gets only those the FHIR API shows them (one search by id, as them).
    List<String> indexed = new ArrayList<>();
    if (dataSource != null) {
      try (java.sql.Connection c = dataSource.getConnection()) {
        for (RegistryIndex.Indexed x : RegistryIndex.candidates(c, PersonMatcher.keys(subject), null, INDEXED)) indexed.add(x.record().id());
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("The registry's index could not be read", e);
      }
    }
    for (int i = 0; i < indexed.size(); i += 100) {
      List<String> chunk = indexed.subList(i, Math.min(indexed.size(), i + 100));
      for (IBaseResource r : search.apply(Map.of("_id", List.of(String.join(",", chunk)), "_count", List.of("100")))) {
        candidates.putIfAbsent(r.getIdElement().getIdPart(), (Patient) r);
      }
    }
    // Records the index does not know (written before it existed): the FHIR searches, as before it.
    List<Map<String, List<String>>> searches = indexed.isEmpty() ? searches(record)
        : record.nationalId() == null ? List.of() : List.of(q("identifier", NationalHealthId.SYSTEM + "|" + record.nationalId()));
    for (Map<String, List<String>> q : searches) {
      for (IBaseResource r : search.apply(q)) {
        Patient p = (Patient) r;
        candidates.putIfAbsent(p.getIdPart(), p);
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (Map.Entry<String, Patient> e : candidates.entrySet()) {
      PersonMatcher.Score s = matcher.score(subject, matcher.prepare(record(e.getValue(), false)));
      double p = s.probability();
      boolean sure = p >= certain && s.linkable(); // names alone, or twins, are never certain
      if (p < POSSIBLE || (onlyCertain && !sure)) continue;
      out.add(new Candidate(e.getKey(), p, sure ? "certain" : p >= probable && s.plausible() ? "probable" : "possible", s.evidence()));
    }
    out.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::id));
    return out.size() > count ? out.subList(0, count) : out;
  }

  /** The records carrying the same national health ID as {@code record} (as their current one, not a former). */
  @Override
  public List<IBaseResource> samePerson(IBaseResource record, Function<Map<String, List<String>>, List<IBaseResource>> search) {
    String nhid = HealthIdRules.currentId((Patient) record, country);
    if (nhid == null) return List.of(record);
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("identifier", List.of(NationalHealthId.SYSTEM + "|" + nhid));
    q.put("_count", List.of("100"));
    List<IBaseResource> out = new ArrayList<>();
    for (IBaseResource r : search.apply(q)) if (nhid.equals(HealthIdRules.currentId((Patient) r, country))) out.add(r);
    if (out.stream().noneMatch(r -> r.getIdElement().getIdPart().equals(record.getIdElement().getIdPart()))) out.add(0, record);
    return out;
  }

  PersonMatcher engine() {
    return matcher;
  }

  /** The blocking searches of a record, as FHIR search parameters. */
  static List<Map<String, List<String>>> searches(PersonRecord r) {
    List<Map<String, List<String>>> qs = new ArrayList<>();
    String family = start(r.family());
    String given = start(r.given());
    String year = r.birthDate() != null && r.birthDate().matches("\\d{4}.*") ? r.birthDate().substring(0, 4) : null;
    if (r.nationalId() != null) qs.add(q("identifier", NationalHealthId.SYSTEM + "|" + r.nationalId()));
    if (family != null && year != null) qs.add(q("family", family, "birthdate", year));
    if (given != null && year != null) qs.add(q("given", given, "birthdate", year));
    if (family != null && given != null) qs.add(q("family", given, "given", family)); // swapped
    if (family != null && given != null && year == null) qs.add(q("family", family, "given", given));
    if (r.birthDate() != null && r.birthDate().matches("\\d{4}-\\d{2}-\\d{2}")) {
      qs.add(r.sex() != null ? q("birthdate", r.birthDate(), "gender", r.sex()) : q("birthdate", r.birthDate()));
    }
    if (r.phone() != null) qs.add(q("phone", r.phone()));
    return qs;
  }

  private static Map<String, List<String>> q(String... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], List.of(kv[i + 1]));
    m.put("_count", List.of(Integer.toString(PER_SEARCH)));
    return m;
  }

  /** The first three letters of a name, as the FHIR string search compares them (accents and case aside). */
  private static String start(String name) {
    String c = Names.clean(name).replace(" ", "");
    return c.length() < 2 ? null : c.substring(0, Math.min(3, c.length()));
  }

  /** A Patient as the matching engine reads it; an invalid national health ID is refused in the request, ignored in the store. */
  static PersonRecord record(Patient p, boolean incoming) {
    HumanName name = p.getName().stream().filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL).findFirst()
        .orElse(p.getNameFirstRep());
    String given = name.getGiven().stream().map(StringType::getValue).filter(v -> v != null && !v.isBlank())
        .reduce((a, b) -> a + " " + b).orElse(null);
    String phone = p.getTelecom().stream().filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE && t.hasValue())
        .map(ContactPoint::getValue).findFirst().orElse(null);
    String nhid = null;
    for (int i = 0; i < p.getIdentifier().size(); i++) {
      Identifier id = p.getIdentifier().get(i);
      if (!NationalHealthId.SYSTEM.equals(id.getSystem())) continue;
      var problem = NationalHealthId.problem(id.getValue());
      if (problem.isPresent()) {
        if (incoming) throw new IncomingResources.Rejected("Patient.identifier[" + i + "].value", problem.get());
        continue;
      }
      nhid = NationalHealthId.parse(id.getValue()).value();
      break;
    }
    Address a = p.getAddressFirstRep();
    return new PersonRecord(p.getIdPart(), given, name.getFamily(), p.hasGender() ? p.getGender().toCode() : null,
        p.hasBirthDateElement() ? p.getBirthDateElement().getValueAsString() : null, phone, nhid,
        a.getLine().size() > 0 ? a.getLine().get(0).getValue() : null, a.getLine().size() > 1 ? a.getLine().get(1).getValue() : null,
        null, a.getPostalCode(), a.getCity(), a.getState(), a.getDistrict());
  }
}
