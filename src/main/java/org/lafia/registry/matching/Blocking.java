package org.lafia.registry.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Candidate pairs: the records that share at least one blocking key. Several keys, each tolerant
 * of different corruptions, so that a pair missed by one (a typo in the family name) is found by
 * another (the same birth date). Keys are never a common name alone ({@code Kossi} is one Togolese
 * man in seven born on a Sunday): a name key always carries a second field. A block larger than
 * {@code maxBlock} (a placeholder value, a name shared by a whole town) is left out and counted.
 */
final class Blocking {
  final long[] pairs; // (i << 32) | j, sorted, distinct; for a linkage i is left, j right
  final int skippedBlocks;

  private Blocking(long[] pairs, int skippedBlocks) {
    this.pairs = pairs;
    this.skippedBlocks = skippedBlocks;
  }

  static List<String> keys(Prepared p) {
    List<String> k = new ArrayList<>(8);
    if (p.nationalId.length() >= 5) k.add("n:" + p.nationalId);
    if (!p.date8.isEmpty()) k.add("d:" + p.date8);
    if (!p.phone.isEmpty()) k.add("t:" + p.phone);
    if (p.familyKey.length() >= 2 && !p.given.isEmpty()) k.add("f:" + p.familyKey + "|" + p.given.charAt(0));
    if (p.givenKey.length() >= 2 && p.year > 0) k.add("g:" + p.givenKey + "|" + p.year);
    if (p.givenKey.length() >= 2 && p.familyKey.length() >= 2) {
      // the same whichever field holds which name
      String a = p.givenKey, b = p.familyKey;
      k.add("s:" + (a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a));
    }
    if (!p.postalCode.isEmpty() && !p.streetNumber.isEmpty()) k.add("p:" + p.postalCode + "|" + p.streetNumber);
    if (!p.family.isEmpty() && !p.postalCode.isEmpty()) k.add("q:" + p.family.substring(0, Math.min(3, p.family.length())) + "|" + p.postalCode);
    if (p.address.length() >= 4 && !p.given.isEmpty()) k.add("a:" + p.address + "|" + p.given.charAt(0));
    // the house: its number and the start of the street, in either address line (registers swap them)
    if (!p.streetNumber.isEmpty()) {
      if (p.address.length() >= 4) k.add("h:" + p.streetNumber + "|" + p.address.substring(0, Math.min(5, p.address.length())));
      if (p.address2.length() >= 4) k.add("h:" + p.streetNumber + "|" + p.address2.substring(0, Math.min(5, p.address2.length())));
    }
    if (p.familyKey.length() >= 2 && p.year > 0) k.add("y:" + p.familyKey + "|" + p.year);
    // the street (or quarter) in its postal area, and a name in the town
    if (!p.postalCode.isEmpty()) {
      if (p.address.length() >= 4) k.add("w:" + p.postalCode + "|" + p.address.substring(0, 4));
      if (p.address2.length() >= 4) k.add("w:" + p.postalCode + "|" + p.address2.substring(0, 4));
    }
    if (p.city.length() >= 3) {
      if (p.family.length() >= 3) k.add("c:" + p.city + "|" + p.family.substring(0, 3));
      if (p.given.length() >= 3) k.add("v:" + p.city + "|" + p.given.substring(0, 3));
    }
    return k;
  }

  static Blocking dedup(Prepared[] records, int maxBlock) {
    Map<String, int[]> blocks = index(records);
    Pairs out = new Pairs();
    int skipped = 0;
    for (Map.Entry<String, int[]> e : blocks.entrySet()) {
      int[] members = e.getValue();
      int n = members[0];
      if (n < 2) continue;
      if (n > cap(e.getKey(), maxBlock)) {
        skipped++;
        continue;
      }
      for (int a = 1; a <= n; a++) {
        for (int b = a + 1; b <= n; b++) {
          int i = members[a], j = members[b];
          out.add(i < j ? ((long) i << 32) | j : ((long) j << 32) | i);
        }
      }
    }
    return new Blocking(out.distinct(), skipped);
  }

  static Blocking link(Prepared[] left, Prepared[] right, int maxBlock) {
    Map<String, int[]> l = index(left);
    Map<String, int[]> r = index(right);
    Pairs out = new Pairs();
    int skipped = 0;
    for (Map.Entry<String, int[]> e : l.entrySet()) {
      int[] rm = r.get(e.getKey());
      if (rm == null) continue;
      int[] lm = e.getValue();
      if (Math.max(lm[0], rm[0]) > cap(e.getKey(), maxBlock)) {
        skipped++;
        continue;
      }
      for (int a = 1; a <= lm[0]; a++) for (int b = 1; b <= rm[0]; b++) out.add(((long) lm[a] << 32) | rm[b]);
    }
    return new Blocking(out.distinct(), skipped);
  }

  /**
   * Keys on a place and the start of a name (a quarter's common family, a town's common given
   * name) stand for many people in a large register: their blocks are capped lower, so that a
   * million records make tens of millions of pairs, not billions; the other keys catch what they miss.
   */
  static final int LOOSE_MAX_BLOCK = 60;

  private static int cap(String key, int maxBlock) {
    return loose(key) ? Math.min(maxBlock, LOOSE_MAX_BLOCK) : maxBlock;
  }

  static boolean loose(String key) {
    char k = key.charAt(0);
    return k == 'c' || k == 'v' || k == 'q' || k == 'w' || k == 'a' || k == 'h' || k == 'p' || k == 'y';
  }

  /** key -> [count, members...] (arrays grown by doubling). */
  private static Map<String, int[]> index(Prepared[] records) {
    Map<String, int[]> blocks = new HashMap<>(records.length * 4);
    for (int i = 0; i < records.length; i++) {
      if (records[i] == null) continue;
      for (String key : keys(records[i])) {
        int[] m = blocks.get(key);
        if (m == null) {
          m = new int[3];
        } else if (m[0] + 1 == m.length) {
          m = Arrays.copyOf(m, m.length * 2);
        }
        m[++m[0]] = i;
        blocks.put(key, m);
      }
    }
    return blocks;
  }

  /** A growable array of pair codes. */
  private static final class Pairs {
    long[] a = new long[1024];
    int n;

    void add(long v) {
      if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
      a[n++] = v;
    }

    long[] distinct() {
      long[] s = Arrays.copyOf(a, n);
      Arrays.parallelSort(s);
      int k = 0;
      for (int i = 0; i < s.length; i++) if (k == 0 || s[i] != s[k - 1]) s[k++] = s[i];
      return Arrays.copyOf(s, k);
    }
  }
}
