package org.lafia.registry.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fellegi-Sunter: for each field and level, m = P(level | same person) and u = P(level | two
 * different persons); a pair's evidence is the sum of log2(m/u) over its fields, plus the prior
 * log-odds. u is counted on random pairs (almost all of them are different persons); m and the
 * prior are estimated by expectation-maximisation on the blocked candidate pairs, with u held
 * (Splink's procedure, which converges where estimating both does not). Exact agreement on a
 * name is then weighed by how common that name is (term frequency): two {@code Kossi} agree by
 * chance far more often than two {@code Adjovi}.
 */
final class MatchModel {
  final double[][] m = new double[Comparison.ALL.length][];
  final double[][] u = new double[Comparison.ALL.length][];
  double prior; // P(match) among candidate pairs
  int iterations;
  /**
   * The household model (see {@link #estimateHousehold}): among candidate pairs that share a
   * phone or an address, the level distributions of the person fields for two different persons
   * ({@code h}, null where not estimated) and the share of those pairs that are one person.
   */
  final double[][] h = new double[Comparison.ALL.length][];
  double householdPrior = Double.NaN;

  /** Fields a household does not share; inside a household they alone tell two persons apart. */
  static final Comparison[] PERSON = {Comparison.GIVEN, Comparison.FAMILY, Comparison.BIRTH_DATE, Comparison.SEX,
      Comparison.NATIONAL_ID};

  /** Whether the pair shares a household's phone or address (exactly). */
  static boolean sharesHousehold(long code) {
    return Comparison.level(code, Comparison.PHONE) == 0 || Comparison.level(code, Comparison.ADDRESS) == 0
        || Comparison.level(code, Comparison.ADDRESS2) == 0;
  }

  /** Whether random pairs had the field on both sides at all. */
  private final boolean[] observed = new boolean[Comparison.ALL.length];

  /** u from the level counts of random pairs. */
  void estimateU(long[] randomCodes) {
    for (Comparison c : Comparison.ALL) {
      double[] counts = new double[c.levels];
      double total = 0;
      for (long code : randomCodes) {
        int l = Comparison.level(code, c);
        if (l == Comparison.MISSING) continue;
        counts[l]++;
        total++;
      }
      double[] p = new double[c.levels];
      for (int l = 0; l < c.levels; l++) p[l] = (counts[l] + 0.5) / (total + 0.5 * c.levels); // never 0
      u[c.ordinal()] = p;
      observed[c.ordinal()] = total > 0;
    }
  }

  /**
   * Training rules (Splink's): the candidates that agree exactly on the rule's fields. Among
   * them, the non-matches still disagree on the other fields as random pairs do, so EM can
   * separate matches from non-matches on those fields with u held; the rule's own fields are left
   * out, their agreement being forced by the rule. Each field's m is the average of its estimates
   * over the rules that estimated it, weighed by the matches each found.
   */
  private static final Comparison[][] RULES = {{Comparison.BIRTH_DATE}, {Comparison.GIVEN, Comparison.FAMILY},
      {Comparison.NATIONAL_ID}};

  /** m and the prior, from the candidates' patterns (pattern -> number of pairs). */
  void estimateM(Map<Long, Integer> patterns) {
    int fields = Comparison.ALL.length;
    double[][] sum = new double[fields][];
    double[] weight = new double[fields];
    for (Comparison c : Comparison.ALL) {
      double[] p = new double[c.levels];
      p[0] = 0.9;
      for (int l = 1; l < c.levels; l++) p[l] = 0.1 / (c.levels - 1);
      m[c.ordinal()] = p;
      sum[c.ordinal()] = new double[c.levels];
    }
    for (Comparison[] rule : RULES) {
      List<long[]> sub = new ArrayList<>();
      long total = 0;
      for (Map.Entry<Long, Integer> e : patterns.entrySet()) {
        boolean agrees = true;
        for (Comparison c : rule) agrees &= Comparison.level(e.getKey(), c) == 0;
        if (agrees) {
          sub.add(new long[] {e.getKey(), e.getValue()});
          total += e.getValue();
        }
      }
      if (total < 20) continue;
      boolean[] excluded = new boolean[fields];
      for (Comparison c : rule) excluded[c.ordinal()] = true;
      double[][] mr = copy(m);
      double[] prior = {0.5};
      double[] seen = new double[fields];
      iterations += em(sub, excluded, mr, prior, seen);
      for (Comparison c : Comparison.ALL) {
        if (excluded[c.ordinal()] || seen[c.ordinal()] <= 0) continue;
        for (int l = 0; l < c.levels; l++) sum[c.ordinal()][l] += mr[c.ordinal()][l] * seen[c.ordinal()];
        weight[c.ordinal()] += seen[c.ordinal()];
      }
    }
    for (Comparison c : Comparison.ALL) {
      if (weight[c.ordinal()] <= 0) {
        // Too few pairs for any rule to estimate it (a small list): the initial m stays. No data
        // at all on the field: it weighs nothing either way.
        if (!observed[c.ordinal()]) m[c.ordinal()] = u[c.ordinal()].clone();
        continue;
      }
      for (int l = 0; l < c.levels; l++) m[c.ordinal()][l] = sum[c.ordinal()][l] / weight[c.ordinal()];
    }
    // The prior among all candidates, m and u held.
    List<long[]> all = new ArrayList<>();
    for (Map.Entry<Long, Integer> e : patterns.entrySet()) all.add(new long[] {e.getKey(), e.getValue()});
    double[] p = {0.1};
    for (int i = 0; i < 200; i++) {
      double matches = 0, n = 0;
      for (long[] x : all) {
        matches += probability(logOdds(x[0], null, m, p[0])) * x[1];
        n += x[1];
      }
      double next = Math.min(Math.max(matches / Math.max(n, 1), 1e-9), 1 - 1e-9);
      boolean done = Math.abs(next - p[0]) < 1e-9;
      p[0] = next;
      if (done) break;
    }
    prior = p[0];
    estimateHousehold(patterns);
  }

  /**
   * Fellegi-Sunter assumes the fields of two different persons agree independently; members of
   * one household share their phone, address, often their family name and sometimes a national
   * ID, and twins their birth date too — added up as independent evidence, a household is "one
   * person" many times over. So pairs that share a phone or an address are scored by their own
   * model: the person fields only (given and family names, birth date, sex, national ID), m as
   * estimated for all pairs, and h — their distribution for two different persons of one
   * household — estimated by EM on those pairs, with the share of them that are one person. On
   * data without households (FEBRL) that share is near 1 and h is near u; on a register with
   * households, h learns that household members agree on the family name and phone, twins on the
   * birth date, and that the given name is what tells them apart. The household model is kept
   * only when the data have households (see {@link #HOUSEHOLDS}).
   */
  void estimateHousehold(Map<Long, Integer> patterns) {
    List<long[]> shared = new ArrayList<>();
    long total = 0;
    for (Map.Entry<Long, Integer> e : patterns.entrySet()) {
      if (sharesHousehold(e.getKey())) {
        shared.add(new long[] {e.getKey(), e.getValue()});
        total += e.getValue();
      }
    }
    if (total < 50) return; // too few to estimate: such pairs are scored by the common model
    for (Comparison c : PERSON) {
      double[] init = u[c.ordinal()].clone();
      if (c == Comparison.FAMILY) { // households share their name more often than not
        init[0] = 0.6;
        for (int l = 1; l < c.levels; l++) init[l] = 0.4 / (c.levels - 1);
      }
      h[c.ordinal()] = init;
    }
    double lambda = 0.5;
    for (int it = 0; it < 200; it++) {
      double[][] next = new double[Comparison.ALL.length][];
      double[] seen = new double[Comparison.ALL.length];
      for (Comparison c : PERSON) next[c.ordinal()] = new double[c.levels];
      double matches = 0, all = 0;
      for (long[] x : shared) {
        double w = householdOdds(x[0], lambda);
        double pm = probability(w);
        double nonMatch = (1 - pm) * x[1];
        matches += pm * x[1];
        all += x[1];
        for (Comparison c : PERSON) {
          int l = Comparison.level(x[0], c);
          if (l == Comparison.MISSING) continue;
          next[c.ordinal()][l] += nonMatch;
          seen[c.ordinal()] += nonMatch;
        }
      }
      double change = Math.abs(matches / all - lambda);
      lambda = Math.min(Math.max(matches / all, 1e-6), 1 - 1e-6);
      for (Comparison c : PERSON) {
        if (seen[c.ordinal()] <= 0) continue;
        for (int l = 0; l < c.levels; l++) {
          double v = (next[c.ordinal()][l] + 1e-3) / (seen[c.ordinal()] + 1e-3 * c.levels);
          change = Math.max(change, Math.abs(v - h[c.ordinal()][l]));
          h[c.ordinal()][l] = v;
        }
      }
      if (change < 1e-7) break;
    }
    // Most pairs that share a phone or an address are one person: no households in these data
    // (FEBRL: 84-93 %), and the common model, which weighs the whole address, does better.
    if (lambda < HOUSEHOLDS) householdPrior = lambda;
  }

  /** Below this share of one-person pairs among those sharing a phone or an address, the data have households. */
  static final double HOUSEHOLDS = 0.5;

  /** Log2-odds of a household pair: its prior and the person fields, m against h. */
  private double householdOdds(long code, double lambda) {
    double w = log2(lambda / (1 - lambda));
    for (Comparison c : PERSON) {
      int l = Comparison.level(code, c);
      if (l == Comparison.MISSING) continue;
      w += log2(m[c.ordinal()][l] / h[c.ordinal()][l]);
    }
    return w;
  }

  /** Whether this pair is scored by the household model. */
  /**
   * Whether the data have households (people who share a phone or an address are mostly different
   * persons): then agreement on what a family shares is not independent evidence, and the
   * {@link Rules} hold. Not so on registers without families (FEBRL), where they would only cost recall.
   */
  boolean hasHouseholds() {
    return !Double.isNaN(householdPrior);
  }

  boolean byHousehold(long code) {
    return !Double.isNaN(householdPrior) && sharesHousehold(code);
  }

  /** EM over some patterns with u held; updates m (but for the excluded fields) and the prior; returns the iterations. */
  private int em(List<long[]> patterns, boolean[] excluded, double[][] mr, double[] prior, double[] seenOut) {
    int it;
    for (it = 0; it < 200; it++) {
      double[][] next = new double[mr.length][];
      double[] seen = new double[mr.length];
      for (Comparison c : Comparison.ALL) next[c.ordinal()] = new double[c.levels];
      double matches = 0, all = 0;
      for (long[] x : patterns) {
        double w = probability(logOdds(x[0], excluded, mr, prior[0])) * x[1];
        matches += w;
        all += x[1];
        for (Comparison c : Comparison.ALL) {
          int l = Comparison.level(x[0], c);
          if (l == Comparison.MISSING || excluded[c.ordinal()]) continue;
          next[c.ordinal()][l] += w;
          seen[c.ordinal()] += w;
        }
      }
      double change = Math.abs(matches / all - prior[0]);
      prior[0] = Math.min(Math.max(matches / all, 1e-9), 1 - 1e-9);
      for (Comparison c : Comparison.ALL) {
        if (excluded[c.ordinal()] || seen[c.ordinal()] <= 0) continue;
        for (int l = 0; l < c.levels; l++) {
          double v = (next[c.ordinal()][l] + 1e-3) / (seen[c.ordinal()] + 1e-3 * c.levels);
          change = Math.max(change, Math.abs(v - mr[c.ordinal()][l]));
          mr[c.ordinal()][l] = v;
        }
      }
      System.arraycopy(seen, 0, seenOut, 0, seen.length);
      if (change < 1e-7) break;
    }
    return it + 1;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) out[i] = a[i].clone();
    return out;
  }

  private double logOdds(long code, boolean[] excluded, double[][] mr, double prior) {
    double w = log2(prior / (1 - prior));
    for (Comparison c : Comparison.ALL) {
      int l = Comparison.level(code, c);
      if (l == Comparison.MISSING || (excluded != null && excluded[c.ordinal()])) continue;
      w += log2(mr[c.ordinal()][l] / u[c.ordinal()][l]);
    }
    return w;
  }

  /** The pair's log2-odds of being one person, before term-frequency adjustment. */
  double logOdds(long code) {
    if (byHousehold(code)) return householdOdds(code, householdPrior);
    return logOdds(code, null, m, prior);
  }

  /** The weight of exact agreement on a value of frequency {@code tf} instead of the average one. */
  double termFrequencyAdjustment(Comparison c, double tf) {
    double adj = log2(u[c.ordinal()][0] / Math.max(tf, 1e-7));
    return Math.max(-6, Math.min(6, adj));
  }

  static double probability(double log2Odds) {
    return 1 / (1 + Math.pow(2, -log2Odds));
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** The parameters as properties ({@code prior}, {@code <field>.m}, {@code <field>.u}: levels comma-separated). */
  java.util.Properties toProperties() {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("prior", Double.toString(prior));
    for (Comparison c : Comparison.ALL) {
      String f = c.name().toLowerCase(Locale.ROOT);
      p.setProperty(f + ".m", join(m[c.ordinal()]));
      p.setProperty(f + ".u", join(u[c.ordinal()]));
      if (h[c.ordinal()] != null) p.setProperty(f + ".h", join(h[c.ordinal()]));
    }
    if (!Double.isNaN(householdPrior)) p.setProperty("household.prior", Double.toString(householdPrior));
    return p;
  }

  /** A model written by {@link #toProperties}; a field it lacks gets no weight (m = u). */
  static MatchModel fromProperties(java.util.Properties p) {
    MatchModel model = new MatchModel();
    model.prior = Double.parseDouble(p.getProperty("prior", "0.01"));
    if (!(model.prior > 0 && model.prior < 1)) throw new IllegalArgumentException("prior must be between 0 and 1");
    for (Comparison c : Comparison.ALL) {
      String f = c.name().toLowerCase(Locale.ROOT);
      double[] flat = new double[c.levels];
      java.util.Arrays.fill(flat, 1.0 / c.levels);
      model.m[c.ordinal()] = p.containsKey(f + ".m") ? parse(p.getProperty(f + ".m"), c) : flat.clone();
      model.u[c.ordinal()] = p.containsKey(f + ".u") ? parse(p.getProperty(f + ".u"), c) : flat.clone();
      if (p.containsKey(f + ".h")) model.h[c.ordinal()] = parse(p.getProperty(f + ".h"), c);
    }
    if (p.containsKey("household.prior")) {
      model.householdPrior = Double.parseDouble(p.getProperty("household.prior"));
      for (Comparison c : PERSON) {
        if (model.h[c.ordinal()] == null) model.h[c.ordinal()] = model.u[c.ordinal()].clone();
      }
    }
    return model;
  }

  private static String join(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double x : v) b.append(b.length() == 0 ? "" : ",").append(x);
    return b.toString();
  }

  private static double[] parse(String v, Comparison c) {
    String[] parts = v.split(",");
    if (parts.length != c.levels) throw new IllegalArgumentException(c + " needs " + c.levels + " values, not " + parts.length);
    double[] out = new double[c.levels];
    for (int i = 0; i < out.length; i++) {
      out[i] = Double.parseDouble(parts[i].trim());
      if (!(out[i] > 0 && out[i] <= 1)) throw new IllegalArgumentException(c + ": probabilities must be in (0, 1]");
    }
    return out;
  }

  /** The parameters, one line per field (for the batch report and the benchmark). */
  String describe() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "prior %.6f after %d EM iterations%n", prior, iterations));
    for (Comparison c : Comparison.ALL) {
      b.append(String.format(Locale.ROOT, "  %-13s", c.name().toLowerCase(Locale.ROOT)));
      for (int l = 0; l < c.levels; l++) {
        b.append(String.format(Locale.ROOT, " | %s m=%.4f u=%.5f w=%+.1f", c.labels[l], m[c.ordinal()][l], u[c.ordinal()][l],
            log2(m[c.ordinal()][l] / u[c.ordinal()][l])));
      }
      b.append('\n');
    }
    if (!Double.isNaN(householdPrior)) {
      b.append(String.format(Locale.ROOT, "household pairs (same phone or address): one person in %.4f of them%n", householdPrior));
      for (Comparison c : PERSON) {
        b.append(String.format(Locale.ROOT, "  %-13s", c.name().toLowerCase(Locale.ROOT)));
        for (int l = 0; l < c.levels; l++) {
          b.append(String.format(Locale.ROOT, " | %s h=%.4f w=%+.1f", c.labels[l], h[c.ordinal()][l],
              log2(m[c.ordinal()][l] / h[c.ordinal()][l])));
        }
        b.append('\n');
      }
    }
    return b.toString();
  }
}
