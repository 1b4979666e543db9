package org.lafia.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lafia.registry.matching.PersonMatcher;
import org.lafia.registry.matching.PersonRecord;
import org.springframework.stereotype.Component;

/**
 * Matching at registration: a new Patient record that carries no national health ID is compared,
 * in the request that registers it, with the registry's records that share blocking keys with it
 * ({@link RegistryIndex}: whoever registers it — a clinician's restriction does not apply to the
 * registry's own matching). Its best candidate person decides the band: <b>auto-link</b> (the
 * record joins that person and takes their ID), <b>review</b> (a new person, and each probable
 * candidate goes to the stewards' queue) or <b>new</b> person. Auto-link also needs the pair to be
 * {@linkplain PersonMatcher.Score#linkable() linkable}, review {@linkplain PersonMatcher.Score#plausible() plausible}.
 */
@Component
class Registration {
  /** What the registry decided for a new record: the person it joins (null: a new one), why, and the pairs to review. */
  record Decision(String nhid, String band, Double score, String matched, String evidence, List<Candidate> reviews) {
    static final Decision NEW = new Decision(null, "new", null, null, null, List.of());
  }

  /** A candidate person, through their best-matching record. */
  record Candidate(String patientId, String nhid, double score, String evidence, boolean linkable, boolean beyondDate) {}

  /** Records scored per registration: those sharing the most blocking keys with it. */
  static final int CANDIDATES = 50;
  private static final int MAX_REVIEWS = 3;
  /**
   * Records sharing both names from which those names and a birth date no longer single a person
   * out: births spread over some 25,000 days (70 years), 250 namesakes make a shared exact date a
   * one-in-a-hundred coincidence — too many for a merge nobody checked.
   */
  static final int COMMON_NAMES = 250;

  private final RegistryMatcher matcher;
  private final RegistryProperties props;

  Registration(RegistryMatcher matcher, RegistryProperties props) {
    this.matcher = matcher;
    this.props = props;
  }

  PersonMatcher engine() {
    return matcher.engine();
  }

  Decision decide(Connection c, PersonRecord record) throws SQLException {
    if (!props.matchOnRegistration()) return Decision.NEW;
    PersonMatcher engine = matcher.engine();
    PersonMatcher.Subject subject = engine.prepare(record);
    if (!subject.hasEvidence()) return Decision.NEW;
    // The best record of each person: a person registered at three facilities is one candidate.
    Map<String, Candidate> byPerson = new LinkedHashMap<>();
    for (RegistryIndex.Indexed x : RegistryIndex.candidates(c, PersonMatcher.keys(subject), record.id(), CANDIDATES)) {
      PersonMatcher.Score s = engine.score(subject, engine.prepare(x.record()));
      if (!s.plausible()) continue; // another member of the household, a namesake of the same year: not a candidate
      Candidate cand = new Candidate(x.record().id(), x.nhid(), s.probability(), s.evidence(), s.linkable(), s.beyondDate());
      byPerson.merge(x.nhid(), cand, (a, b) -> b.score() > a.score() ? b : a);
    }
    List<Candidate> ranked = new ArrayList<>(byPerson.values());
    ranked.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::patientId));
    if (ranked.isEmpty()) return Decision.NEW;
    Candidate best = ranked.get(0);
    if (best.score() >= props.autoLink() && best.linkable()) {
      if (best.beyondDate()) return new Decision(best.nhid(), "auto-link", best.score(), best.patientId(), best.evidence(), List.of());
      // Names and a birth date alone: unless the names are common enough that namesakes share dates.
      String names = PersonMatcher.namesKey(subject);
      int namesakes = names == null ? 0 : RegistryIndex.count(c, names, COMMON_NAMES);
      if (namesakes < COMMON_NAMES) {
        return new Decision(best.nhid(), "auto-link", best.score(), best.patientId(), best.evidence(), List.of());
      }
      best = new Candidate(best.patientId(), best.nhid(), best.score(), best.evidence() + "; names shared by " + COMMON_NAMES
          + "+ records: a steward decides", false, false);
      ranked.set(0, best);
    }
    List<Candidate> reviews = ranked.stream().filter(x -> x.score() >= props.review()).limit(MAX_REVIEWS).toList();
    return new Decision(null, reviews.isEmpty() ? "new" : "review", best.score(), best.patientId(), best.evidence(), reviews);
  }
}
