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
  /** A candidate's probability of being the same person, and why. */
  public record Score(double probability, String evidence) {}

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

  public Subject prepare(PersonRecord r) {
    return new Subject(new Prepared(r));
  }

  public Score score(Subject a, Subject b) {
    long code = Comparison.compare(a.prepared, b.prepared);
    return new Score(MatchModel.probability(model.logOdds(code)), Linkage.evidence(code));
  }
}
