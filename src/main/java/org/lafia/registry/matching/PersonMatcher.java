package org.lafia.registry.matching;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.Properties;

/**
 * One person against candidates, with a model estimated beforehand (by {@code mpi dedup --model}
 * on the country's own registers, or the default one estimated on the synthetic francophone set):
 * what the registry runs for every incoming Patient and for {@code $match}, where there is no
 * batch to estimate the model on.
 */
public final class PersonMatcher {
  /**
   * A candidate's probability of being the same person, why, and the rules that hold whatever the
   * probability says. The model multiplies independent evidence, and what agrees in a family does
   * not agree independently: twins share the family name, the birth date, the phone and the
   * address; a father and his son may share every name and the phone; a household shares a phone.
   *
   * @param linkable whether the pair may be linked without a person's decision: something besides
   *     the names agrees (the exact birth date — one typo apart alone is not enough, the 14th and
   *     the 19th of a month are one typo apart —, the national ID or the phone to a typo, or the
   *     address), the given names agree to a typo or a sound (twins differ there), and the birth
   *     dates, when both are known, are not different (a parent and a child named alike)
   * @param beyondDate whether the national ID, the phone or the address agree (more than names and
   *     a birth date, which namesakes of a common name share often enough in a whole country)
   * @param plausible whether the pair is worth a steward's time: something besides the names agrees
   *     (the birth year at least, the national ID, the phone or the address: on names alone a steward
   *     can decide nothing either), and both names are alike; or the given
   *     name alike with the birth date (to a typo), the national ID or the phone (a woman's name
   *     after marriage); or the family name alike with the birth date (twins, for a steward to tell
   *     apart). Not the other members of a household sharing a phone, nor every namesake born the
   *     same year
   */
  public record Score(double probability, String evidence, boolean linkable, boolean plausible, boolean beyondDate) {}

  private final MatchModel model;

  private PersonMatcher(MatchModel model) {
    this.model = model;
  }

  /** The model shipped with Lafia ({@code registry/default-model.properties}). */
  public static PersonMatcher defaults() {
    try (InputStream in = PersonMatcher.class.getResourceAsStream("/registry/default-model.properties")) {
      if (in == null) throw new IllegalStateException("registry/default-model.properties is missing from the build");
      Properties p = new Properties();
      p.load(in);
      return new PersonMatcher(MatchModel.fromProperties(p));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A model written by {@code mpi dedup|link --model FILE}. */
  public static PersonMatcher from(Reader properties) throws IOException {
    Properties p = new Properties();
    p.load(properties);
    return new PersonMatcher(MatchModel.fromProperties(p));
  }

  /** A prepared form of a record, to score it against many candidates. */
  public static final class Subject {
    final Prepared prepared;

    private Subject(Prepared p) {
      this.prepared = p;
    }

    /** What could not be used ("birthDate: … is an impossible date"), empty when all could. */
    public String unusable() {
      return prepared.unusable;
    }

    public boolean hasEvidence() {
      return prepared.hasEvidence();
    }
  }

  /** The key of a record's two names, whichever field holds which (null without both): how common the names are. */
  public static String namesKey(Subject s) {
    for (String k : Blocking.keys(s.prepared)) if (k.startsWith("s:")) return k;
    return null;
  }

  /** The blocking keys of a record (those of the batch linkage): the registry indexes them, and looks candidates up by them. */
  public static java.util.List<String> keys(Subject s) {
    return Blocking.keys(s.prepared);
  }

  /** Whether a key stands for many people (a place and the start of a name): looked up less deep. */
  public static boolean looseKey(String key) {
    return Blocking.loose(key);
  }

  public Subject prepare(PersonRecord r) {
    return new Subject(new Prepared(r));
  }

  public Score score(Subject a, Subject b) {
    long code = Comparison.compare(a.prepared, b.prepared);
    boolean rules = model.hasHouseholds();
    boolean linkable = !rules || Rules.linkable(code, a.prepared, b.prepared);
    boolean plausible = !rules || Rules.plausible(code);
    return new Score(MatchModel.probability(model.logOdds(code)), Linkage.evidence(code), linkable, plausible,
        !rules || Rules.beyondDate(code));
  }
}
