package org.lafia.registry.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Record linkage of lists of persons: within one list (dedup) or between two (link). Prepares
 * every record once, blocks ({@link Blocking}), compares the candidate pairs ({@link Comparison}),
 * estimates the model on the data itself ({@link MatchModel}) and scores each pair; pairs at or
 * above the review threshold are returned, each in its band.
 */
public final class Linkage {
  /**
   * @param autoLink probability from which a pair is linked without review
   * @param review probability from which a pair goes to a registry steward
   * @param maxBlock records sharing one blocking key beyond which the key is left out
   * @param randomPairs random pairs on which the u-probabilities are counted
   */
  public record Settings(double autoLink, double review, int maxBlock, int randomPairs, long seed) {
    public static final Settings DEFAULT = new Settings(0.95, 0.5, 300, 500_000, 42);

    public Settings {
      if (!(review > 0 && review <= autoLink && autoLink < 1)) {
        throw new IllegalArgumentException("Thresholds must satisfy 0 < review <= auto-link < 1 (review " + review
            + ", auto-link " + autoLink + ").");
      }
    }
  }

  public enum Band {
    AUTO_LINK("auto-link"), REVIEW("review");

    public final String label;

    Band(String label) {
      this.label = label;
    }
  }

  /** A pair of records (indexes into the list(s) given) and its evidence. */
  public record ScoredPair(int left, int right, double probability, Band band, long levels) {
    /** Which fields agreed and how ("given=exact; birth_date=same year…"), made when asked: a million pairs need no strings. */
    public String evidence() {
      return Linkage.evidence(levels);
    }
  }

  /**
   * @param candidatePairs pairs compared
   * @param possiblePairs all pairs there are (for the reduction ratio)
   * @param unusable per record index, what could not be used (empty when all could)
   */
  public record Result(List<ScoredPair> pairs, long candidatePairs, long possiblePairs, int skippedBlocks,
      Map<Integer, String> unusableLeft, Map<Integer, String> unusableRight, String model, java.util.Properties parameters) {
    public double reductionRatio() {
      return possiblePairs == 0 ? 1 : 1 - (double) candidatePairs / possiblePairs;
    }
  }

  private Linkage() {}

  /** Pairs of records of one list that are the same person. A null element is skipped (a rejected row). */
  public static Result dedup(List<PersonRecord> records, Settings s) {
    Prepared[] p = prepare(records);
    Blocking b = Blocking.dedup(p, s.maxBlock());
    long n = live(p);
    SplittableRandom rnd = new SplittableRandom(s.seed());
    long[] random = new long[s.randomPairs()];
    int[] alive = aliveIndexes(p);
    for (int k = 0; k < random.length && alive.length > 1; k++) {
      int i = alive[rnd.nextInt(alive.length)], j = alive[rnd.nextInt(alive.length)];
      if (i == j) {
        k--;
        continue;
      }
      random[k] = Comparison.compare(p[i], p[j]);
    }
    Result r = score(p, p, b, random, n * (n - 1) / 2, s);
    Map<Integer, String> u = unusable(records, p);
    return new Result(r.pairs(), r.candidatePairs(), r.possiblePairs(), r.skippedBlocks(), u, u, r.model(), r.parameters());
  }

  /** Pairs (left, right) of records of two lists that are the same person. */
  public static Result link(List<PersonRecord> left, List<PersonRecord> right, Settings s) {
    Prepared[] l = prepare(left);
    Prepared[] r = prepare(right);
    Blocking b = Blocking.link(l, r, s.maxBlock());
    SplittableRandom rnd = new SplittableRandom(s.seed());
    int[] la = aliveIndexes(l), ra = aliveIndexes(r);
    long[] random = new long[la.length == 0 || ra.length == 0 ? 0 : s.randomPairs()];
    for (int k = 0; k < random.length; k++) random[k] = Comparison.compare(l[la[rnd.nextInt(la.length)]], r[ra[rnd.nextInt(ra.length)]]);
    Result x = score(l, r, b, random, live(l) * live(r), s);
    return new Result(x.pairs(), x.candidatePairs(), x.possiblePairs(), x.skippedBlocks(), unusable(left, l), unusable(right, r),
        x.model(), x.parameters());
  }

  private static Prepared[] prepare(List<PersonRecord> records) {
    Prepared[] p = new Prepared[records.size()];
    IntStream.range(0, p.length).parallel().forEach(i -> {
      PersonRecord r = records.get(i);
      if (r == null) return;
      Prepared x = new Prepared(r);
      p[i] = x.hasEvidence() ? x : null;
    });
    return p;
  }

  private static long live(Prepared[] p) {
    return Arrays.stream(p).filter(x -> x != null).count();
  }

  private static int[] aliveIndexes(Prepared[] p) {
    return IntStream.range(0, p.length).filter(i -> p[i] != null).toArray();
  }

  /** Off only to measure what the rules do ({@code -Dlafia.mpi.rules=false}). */
  static final boolean RULES = Boolean.parseBoolean(System.getProperty("lafia.mpi.rules", "true"));

  private static Result score(Prepared[] left, Prepared[] right, Blocking b, long[] random, long possible, Settings s) {
    long[] pairs = b.pairs;
    long[] codes = new long[pairs.length];
    IntStream.range(0, pairs.length).parallel()
        .forEach(k -> codes[k] = Comparison.compare(left[(int) (pairs[k] >>> 32)], right[(int) pairs[k]]));
    Map<Long, Integer> patterns = new HashMap<>();
    for (long c : codes) patterns.merge(c, 1, Integer::sum);
    MatchModel model = new MatchModel();
    model.estimateU(random);
    model.estimateM(patterns);
    Frequencies tf = new Frequencies(left, right);

    List<ScoredPair> out = new ArrayList<>();
    boolean rules = RULES && model.hasHouseholds();
    double reviewOdds = MatchModel.log2(s.review() / (1 - s.review()));
    for (int k = 0; k < pairs.length; k++) {
      Prepared a = left[(int) (pairs[k] >>> 32)], c = right[(int) pairs[k]];
      double w = model.logOdds(codes[k]);
      if (w < reviewOdds - 12) continue; // term frequencies move a weight by at most 12 bits
      if (!model.byHousehold(codes[k])) w += tfAdjustment(model, tf, codes[k], a); // a household shares its name
      double p = MatchModel.probability(w);
      if (p < s.review()) continue;
      if (rules && !Rules.plausible(codes[k])) continue;
      boolean auto = p >= s.autoLink() && (!rules || Rules.linkable(codes[k], a, c));
      out.add(new ScoredPair((int) (pairs[k] >>> 32), (int) pairs[k], p, auto ? Band.AUTO_LINK : Band.REVIEW, codes[k]));
    }
    return new Result(out, pairs.length, possible, b.skippedBlocks, Map.of(), Map.of(), model.describe(), model.toProperties());
  }

  private static double tfAdjustment(MatchModel model, Frequencies tf, long code, Prepared a) {
    double adj = 0;
    if (Comparison.level(code, Comparison.GIVEN) == 0) adj += model.termFrequencyAdjustment(Comparison.GIVEN, tf.given(a.given));
    if (Comparison.level(code, Comparison.FAMILY) == 0) adj += model.termFrequencyAdjustment(Comparison.FAMILY, tf.family(a.family));
    return adj;
  }

  /** "given=exact family=one typo…": why a pair scored as it did, for the steward. */
  static String evidence(long code) {
    StringBuilder b = new StringBuilder();
    for (Comparison c : Comparison.ALL) {
      int l = Comparison.level(code, c);
      if (l == Comparison.MISSING) continue;
      if (b.length() > 0) b.append("; ");
      b.append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(c.labels[l]);
    }
    return b.toString();
  }

  /** Per record: "not matched: …" (nothing to compare) or "matched without: …" (a field that could not be used). */
  private static Map<Integer, String> unusable(List<PersonRecord> records, Prepared[] p) {
    Map<Integer, String> out = new HashMap<>();
    for (int i = 0; i < p.length; i++) {
      if (records.get(i) == null) continue;
      if (p[i] == null) out.put(i, "not matched: nothing to match on besides the id");
      else if (!p[i].unusable.isEmpty()) out.put(i, "matched without: " + p[i].unusable.strip().replaceAll(";$", ""));
    }
    return out;
  }

  /** How often each name occurs, over both lists (a value's share of the records that have one). */
  private static final class Frequencies {
    private final Map<String, Integer> given = new HashMap<>();
    private final Map<String, Integer> family = new HashMap<>();
    private int givenTotal;
    private int familyTotal;

    Frequencies(Prepared[] left, Prepared[] right) {
      count(left);
      if (right != left) count(right);
    }

    private void count(Prepared[] ps) {
      for (Prepared p : ps) {
        if (p == null) continue;
        if (!p.given.isEmpty()) {
          given.merge(p.given, 1, Integer::sum);
          givenTotal++;
        }
        if (!p.family.isEmpty()) {
          family.merge(p.family, 1, Integer::sum);
          familyTotal++;
        }
      }
    }

    double given(String v) {
      return (double) given.getOrDefault(v, 1) / Math.max(1, givenTotal);
    }

    double family(String v) {
      return (double) family.getOrDefault(v, 1) / Math.max(1, familyTotal);
    }
  }
}
