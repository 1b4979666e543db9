/*
 * Francophone person-record test set for record linkage (Togo, Cameroon, Morocco).
 *
 *   java bench/mpi/francophone/Generate.java --seed 42 --persons 20000 --out DIR
 *        [--mix togo=50,cameroon=30,morocco=20] [--duplicates 0.30] [--twins 0.01] [--co-residents]
 *
 * Single file, JDK only, deterministic from --seed (java.util.SplittableRandom, one stream, drawn
 * in a fixed order). Writes DIR/records.csv, truth.csv, relations.csv, corruptions.csv; see
 * README.md next to this file. The names are drawn from lists of common given and family names;
 * no record describes a real person.
 *
 * Memory stays flat whatever --persons: households are generated, written and forgotten one by
 * one; records go to temporary bucket files by id range and each bucket is sorted on its own, so
 * records.csv comes out in id order, and ids are a keyed permutation of the record sequence.
 */
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

public final class Generate {

  /** "Today" for ages: fixed, so that a seed gives the same set on any day. */
  static final LocalDate TODAY = LocalDate.of(2025, 6, 30);

  /** The corruption kinds, in the order they are applied to a duplicate. */
  static final String[] KINDS = {"nickname-or-second-given-name", "compound-split", "particle", "transliteration",
      "day-name", "arabic-script", "typo", "accents-case", "name-order-swapped", "birth-year-only",
      "day-month-swap", "date-typo", "phone-changed", "phone-missing", "id-missing", "id-typo", "city-moved"};
  /** Relative weight of each kind among the kinds that apply to a record. */
  static final double[] WEIGHTS = {10, 12, 14, 8, 18, 12, 14, 9, 5, 5, 4, 6, 6, 6, 6, 4, 5};
  /** How many corruptions a duplicate gets: 0, 1, 2, 3. */
  static final double[] CORRUPTION_COUNT = {0.25, 0.40, 0.25, 0.10};

  static final int FULL = 0, YEAR_ONLY = 1, JAN_FIRST = 2;

  // ------------------------------------------------------------------------------------------
  // command line

  public static void main(String[] args) throws IOException {
    long seed = 42;
    int persons = 20000;
    Path out = null;
    String mix = "togo=50,cameroon=30,morocco=20";
    double duplicates = 0.30, twins = 0.01;
    boolean coResidents = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("-h") || a.equals("--help")) {
          usage(null);
          return;
        }
        if (a.equals("--co-residents")) {
          coResidents = true;
          continue;
        }
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
        String v = args[++i];
        switch (a) {
          case "--seed" -> seed = Long.parseLong(v);
          case "--persons" -> persons = Integer.parseInt(v);
          case "--out" -> out = Path.of(v);
          case "--mix" -> mix = v;
          case "--duplicates" -> duplicates = Double.parseDouble(v);
          case "--twins" -> twins = Double.parseDouble(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (out == null) throw new IllegalArgumentException("--out is required");
      if (persons < 1) throw new IllegalArgumentException("--persons must be at least 1");
      if (duplicates < 0 || duplicates > 1 || twins < 0 || twins > 0.5) {
        throw new IllegalArgumentException("--duplicates is a share in [0,1], --twins a rate in [0,0.5]");
      }
    } catch (IllegalArgumentException e) {
      usage(e.getMessage());
      System.exit(2);
      return;
    }
    double[] shares = parseMix(mix);
    long t0 = System.nanoTime();
    Generate g = new Generate(seed, persons, out, shares, duplicates, twins);
    g.coResidents = coResidents;
    g.run();
    g.report((System.nanoTime() - t0) / 1e9);
  }

  static void usage(String error) {
    if (error != null) System.err.println("Error: " + error);
    System.err.println("Usage: java Generate.java --seed N --persons N --out DIR [--mix togo=50,cameroon=30,morocco=20]"
        + " [--duplicates 0.30] [--twins 0.01] [--co-residents]");
    System.err.println("  --co-residents also lists, as kind co-resident, members of one household (same phone and address)"
        + " whose surnames differ and who are in no other relation; off by default");
  }

  static double[] parseMix(String mix) {
    double[] w = new double[3];
    for (String part : mix.split(",")) {
      String[] kv = part.strip().split("[=:]");
      if (kv.length != 2) throw new IllegalArgumentException("--mix: '" + part + "' is not country=weight");
      int k = switch (kv[0].strip().toLowerCase(Locale.ROOT)) {
        case "togo", "tg" -> 0;
        case "cameroon", "cameroun", "cm" -> 1;
        case "morocco", "maroc", "ma" -> 2;
        default -> throw new IllegalArgumentException("--mix: unknown country '" + kv[0] + "' (togo, cameroon, morocco)");
      };
      w[k] = Double.parseDouble(kv[1].strip());
    }
    double s = w[0] + w[1] + w[2];
    if (s <= 0) throw new IllegalArgumentException("--mix: weights sum to 0");
    for (int i = 0; i < 3; i++) w[i] /= s;
    return w;
  }

  // ------------------------------------------------------------------------------------------
  // state

  final long seed;
  final int persons;
  final Path out;
  final double[] shares;
  final double duplicateShare;
  final double twinRate;
  final SplittableRandom rnd;
  final Country[] countries;
  final Permutation recordIds;
  final Permutation nationalIds, nationalIds8;
  long nidSeq, nidSeq8;
  final int idDigits;
  final int personDigits;
  final int buckets;
  final BufferedWriter[] bucketOut;
  final Path tmp;
  BufferedWriter relationsOut;
  boolean coResidents;

  long recordSeq, personSeq, households, twinPairs;
  long duplicatePersons, duplicateRecords, truePairs, nidPresent, phonePresent, presumedDates;
  final long[] byCountry = new long[3];
  final Map<String, Long> relationPairs = new TreeMap<>();
  final Map<String, Long> relationPersons = new TreeMap<>();
  final Map<String, Long> corruptionCounts = new LinkedHashMap<>();
  final long[] byCorruptionCount = new long[4];

  Generate(long seed, int persons, Path out, double[] shares, double duplicates, double twins) throws IOException {
    this.seed = seed;
    this.persons = persons;
    this.out = out;
    this.shares = shares;
    this.duplicateShare = duplicates;
    this.twinRate = twins;
    this.rnd = new SplittableRandom(seed);
    this.countries = new Country[] {Data.togo(), Data.cameroon(), Data.morocco()};
    for (String k : KINDS) corruptionCounts.put(k, 0L);
    // every person has at most 4 records; ids are drawn from a space at least twice that large
    long space = 10_000_000L;
    int digits = 7;
    while (space < 8L * persons) {
      space *= 10;
      digits++;
    }
    this.idDigits = digits;
    this.personDigits = Math.max(7, String.valueOf(persons).length());
    SplittableRandom keys = new SplittableRandom(seed ^ 0x5DEECE66DL);
    this.recordIds = new Permutation(space, keys);
    this.nationalIds = new Permutation(1_000_000_000L, keys);
    this.nationalIds8 = new Permutation(100_000_000L, keys);
    this.buckets = (int) Math.min(512, Math.max(1, persons / 25_000L));
    this.tmp = out.resolve(".generate-tmp");
    Files.createDirectories(tmp);
    this.bucketOut = new BufferedWriter[buckets];
    for (int b = 0; b < buckets; b++) {
      bucketOut[b] = Files.newBufferedWriter(tmp.resolve("bucket-" + b), StandardCharsets.UTF_8);
    }
    checkData();
  }

  /** Every Moroccan name must have its Arabic spelling (arabic-script corruption). */
  void checkData() {
    Country ma = countries[2];
    List<String> missing = new ArrayList<>();
    for (String[] list : List.of(ma.givenM, ma.givenF, ma.family.get("ma"))) {
      for (String n : list) if (arabic(n) == null) missing.add(n);
    }
    for (String[] t : Data.TWINS_MA) for (String n : new String[] {t[1], t[2]}) if (arabic(n) == null) missing.add(n);
    if (!missing.isEmpty()) throw new IllegalStateException("no Arabic spelling for " + missing);
  }

  // ------------------------------------------------------------------------------------------
  // population

  void run() throws IOException {
    relationsOut = Files.newBufferedWriter(out.resolve("relations.csv"), StandardCharsets.UTF_8);
    relationsOut.write("id1,id2,kind\n");
    long made = 0;
    while (made < persons) {
      double u = rnd.nextDouble();
      int ci = u < shares[0] ? 0 : u < shares[0] + shares[1] ? 1 : 2;
      List<Person> h = household(countries[ci], (int) Math.min(Integer.MAX_VALUE, persons - made));
      households++;
      for (Person p : h) emit(p);
      relations(h);
      made += h.size();
    }
    relationsOut.close();
    for (BufferedWriter w : bucketOut) w.close();
    merge();
  }

  static final class Person {
    Country c;
    String label;
    String group; // name origin: TG south/north, CM beti/bamileke/..., MA
    char sex;
    String given, family;
    LocalDate birth;
    boolean presumed; // registered as 1 January of the year: the day is unknown
    String phone; // national digits, or null
    String nid; // or null
    String city, district, address;
    Person mother, father, twin;
    boolean nidFromParent;
    List<String> ids = new ArrayList<>(4);

    String root() {
      return family.startsWith("Ngo ") || family.startsWith("Nga ") ? family.substring(4) : family;
    }
  }

  /** One household (or a person living alone), at most {@code room} persons. */
  List<Person> household(Country c, int room) {
    String city = c.city(rnd);
    String district = c.district(city, rnd);
    String group = c.group(city, rnd);
    String fam = c.family(group, rnd);
    String phone = rnd.nextDouble() < 0.93 ? c.phone(rnd) : null;
    String address = c.address(district, fam, rnd);
    List<Person> h = new ArrayList<>();
    if (room == 1 || rnd.nextDouble() < 0.30) {
      char sex = rnd.nextBoolean() ? 'M' : 'F';
      Person a = person(c, group, sex, fam, adultAge(18, 90), city, district, address, phone);
      adultId(a);
      presume(a);
      h.add(a);
      return h;
    }
    boolean hasFather = rnd.nextDouble() < 0.82;
    boolean hasMother = !hasFather || rnd.nextDouble() < 0.80;
    Person father = null, mother = null;
    int fatherAge = 0, motherAge;
    if (hasFather) {
      fatherAge = adultAge(22, 75);
      father = person(c, group, 'M', fam, fatherAge, city, district, address, phone);
      adultId(father);
      h.add(father);
    }
    if (hasMother) {
      motherAge = hasFather ? Math.max(18, fatherAge - rnd.nextInt(13) + 2) : adultAge(20, 65);
      String mf = fam;
      if (hasFather && rnd.nextDouble() >= c.wifeTakesName) {
        String mg = c.group(city, rnd);
        mf = c.family(mg, rnd);
        if (c.code.equals("CM")) mf = c.femaleParticle(mg, mf, rnd);
      }
      mother = person(c, group, 'F', mf, motherAge, city, district, address, phone);
      adultId(mother);
      h.add(mother);
    } else {
      motherAge = Math.max(18, fatherAge - 3 - rnd.nextInt(8));
    }
    if (hasFather && h.size() < Math.min(room, 6) && rnd.nextDouble() < 0.08) {
      int age = Math.min(98, fatherAge + 20 + rnd.nextInt(19));
      char sex = rnd.nextBoolean() ? 'M' : 'F';
      String gf = sex == 'M' || rnd.nextDouble() < c.wifeTakesName ? fam : c.family(c.group(city, rnd), rnd);
      Person gp = person(c, group, sex, gf, age, city, district, address, phone);
      adultId(gp);
      father.father = sex == 'M' ? gp : null;
      father.mother = sex == 'F' ? gp : null;
      h.add(gp);
    }
    for (Person p : h) presume(p);
    int[] kidsDist = {10, 20, 25, 20, 15, 10};
    int kids = pickIndex(kidsDist);
    int cap = Math.min(room, 6);
    for (int k = 0; k < kids && h.size() < cap; k++) {
      int ageAtBirth = 18 + rnd.nextInt(Math.max(1, Math.min(27, motherAge - 17)));
      int age = motherAge - ageAtBirth;
      if (age < 0 || age > 35) continue;
      LocalDate birth = birth(age);
      Person child = child(c, group, city, district, address, phone, fam, birth, father, mother, null);
      h.add(child);
      if (h.size() < cap && rnd.nextDouble() < twinRate) {
        Person twin = child(c, group, city, district, address, phone, fam, birth, father, mother, child);
        h.add(twin);
        twinPairs++;
      }
    }
    return h;
  }

  Person child(Country c, String group, String city, String district, String address, String phone, String fam,
      LocalDate birth, Person father, Person mother, Person twinOf) {
    char sex = rnd.nextBoolean() ? 'M' : 'F';
    Person p = new Person();
    p.c = c;
    p.group = group;
    p.sex = sex;
    p.birth = birth;
    p.city = city;
    p.district = district;
    p.address = address;
    p.phone = phone;
    p.father = father;
    p.mother = mother;
    // family name: the father's; in Cameroon some children carry a name of their own, and
    // daughters of Bassa and Beti families are often "Ngo X" / "Nga X", daughter of X
    String f = twinOf != null ? twinOf.root() : fam;
    if (c.code.equals("CM")) {
      if (twinOf == null && rnd.nextDouble() < 0.20) f = c.family(group, rnd);
      if (sex == 'F') f = c.femaleParticle(group, f, rnd);
    }
    p.family = f;
    if (twinOf != null) {
      p.twin = twinOf;
      twinOf.twin = p;
      String[] names = twinNames(c, group, twinOf, sex);
      if (names[0] != null) {
        twinOf.given = names[0];
        p.given = names[1];
      } else {
        for (int t = 0; t < 20 && (p.given == null || p.given.equals(twinOf.given)); t++) p.given = c.given(group, sex, birth, rnd);
        if (p.given.equals(twinOf.given)) p.given = p.given + (sex == 'M' ? " Atsu" : " Marie");
      }
    } else {
      p.given = c.given(group, sex, birth, rnd);
    }
    int age = birth.until(TODAY).getYears();
    Person parent = father != null && father.nid != null ? father : mother != null && mother.nid != null ? mother : null;
    if (age >= 18) {
      adultId(p);
    } else if (parent != null && rnd.nextDouble() < 0.35) {
      p.nid = parent.nid;
      p.nidFromParent = true;
    } else if (rnd.nextDouble() < 0.15) {
      p.nid = ownId(c);
    }
    if (twinOf != null && p.nidFromParent != twinOf.nidFromParent && p.nidFromParent) {
      // twins registered together: same choice for both
      twinOf.nid = p.nid;
      twinOf.nidFromParent = true;
    }
    p.label = label(c);
    return p;
  }

  /** Given names for a pair of twins: often look-alikes (Kossi/Kossiwa, Hassan/Hussein); {null, null} otherwise. */
  String[] twinNames(Country c, String group, Person first, char sex2) {
    if (rnd.nextDouble() >= 0.6) return new String[] {null, null};
    if (c.code.equals("TG") && !group.equals("south") || c.code.equals("CM") && (group.equals("north") || group.equals("anglo"))) {
      return new String[] {null, null};
    }
    String sexes = "" + first.sex + sex2;
    if (c.code.equals("TG") && !sexes.equals("MM") && !sexes.equals("FF")) {
      int day = first.birth.getDayOfWeek().getValue() % 7;
      String m = Data.DAYS[day][0][0], f = Data.DAYS[day][1][0];
      return first.sex == 'M' ? new String[] {m, f} : new String[] {f, m};
    }
    String[][] table = c.code.equals("TG") ? Data.TWINS_TG : c.code.equals("CM") ? Data.TWINS_CM : Data.TWINS_MA;
    List<String[]> fit = new ArrayList<>();
    for (String[] t : table) {
      if (t[0].equals(sexes)) fit.add(new String[] {t[1], t[2]});
      else if (t[0].equals(new StringBuilder(sexes).reverse().toString())) fit.add(new String[] {t[2], t[1]});
    }
    if (fit.isEmpty()) return new String[] {null, null};
    return fit.get(rnd.nextInt(fit.size()));
  }

  Person person(Country c, String group, char sex, String fam, int age, String city, String district, String address,
      String phone) {
    Person p = new Person();
    p.c = c;
    p.group = group;
    p.sex = sex;
    p.family = fam;
    p.birth = birth(age);
    p.given = c.given(group, sex, p.birth, rnd);
    p.city = city;
    p.district = district;
    p.address = address;
    p.phone = phone;
    p.label = label(c);
    return p;
  }

  String label(Country c) {
    personSeq++;
    return c.code + "-" + pad(personSeq, personDigits);
  }

  void adultId(Person p) {
    if (rnd.nextDouble() < 0.72) p.nid = ownId(p.c);
  }

  /** Unique per person: a keyed permutation of a counter. */
  String ownId(Country c) {
    return switch (c.code) {
      case "TG" -> (1 + rnd.nextInt(6)) + pad(nationalIds.apply(nidSeq++), 9); // 10 digits, the first one the region
      case "CM" -> pad(nationalIds.apply(nidSeq++), 9);
      default -> pad(nationalIds8.apply(nidSeq8++), 8);
    };
  }

  /** Older adults are often registered with 1 January of their year of birth. */
  void presume(Person p) {
    int age = p.birth.until(TODAY).getYears();
    if (age >= 35 && rnd.nextDouble() < p.c.presumedShare) {
      p.presumed = true;
      p.birth = LocalDate.of(p.birth.getYear(), 1, 1);
    }
  }

  int adultAge(int min, int max) {
    return min + (int) ((max - min) * Math.pow(rnd.nextDouble(), 1.35));
  }

  LocalDate birth(int age) {
    LocalDate d = TODAY.minusYears(age).minusDays(rnd.nextInt(365));
    return d.isAfter(TODAY) ? TODAY : d;
  }

  int pickIndex(int[] weights) {
    int s = 0;
    for (int w : weights) s += w;
    int x = rnd.nextInt(s);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  // ------------------------------------------------------------------------------------------
  // records

  /** A record as a facility holds it, before it is written. */
  static final class Rec {
    String given, family;
    char sex;
    int y, m, d, dateMode;
    String phone, nid, city, district, address;

    Rec copy() {
      Rec r = new Rec();
      r.given = given;
      r.family = family;
      r.sex = sex;
      r.y = y;
      r.m = m;
      r.d = d;
      r.dateMode = dateMode;
      r.phone = phone;
      r.nid = nid;
      r.city = city;
      r.district = district;
      r.address = address;
      return r;
    }
  }

  void emit(Person p) throws IOException {
    byCountry[p.c.index]++;
    Rec base = new Rec();
    base.given = p.given;
    base.family = p.family;
    base.sex = p.sex;
    base.y = p.birth.getYear();
    base.m = p.birth.getMonthValue();
    base.d = p.birth.getDayOfMonth();
    base.dateMode = p.presumed ? JAN_FIRST : FULL;
    base.phone = p.phone;
    base.nid = p.nid;
    base.city = p.city;
    base.district = p.district;
    base.address = p.address;
    if (p.nid != null) nidPresent++;
    if (p.phone != null) phonePresent++;
    if (p.presumed) presumedDates++;
    write(p, base, null);
    if (rnd.nextDouble() < duplicateShare) {
      double u = rnd.nextDouble();
      int extra = u < 0.65 ? 1 : u < 0.90 ? 2 : 3;
      duplicatePersons++;
      for (int k = 0; k < extra; k++) {
        Rec dup = base.copy();
        List<String> kinds = corrupt(p, dup);
        duplicateRecords++;
        byCorruptionCount[Math.min(3, kinds.size())]++;
        for (String kd : kinds) corruptionCounts.merge(kd, 1L, Long::sum);
        write(p, dup, kinds);
      }
      int n = extra + 1;
      truePairs += (long) n * (n - 1) / 2;
    }
  }

  void write(Person p, Rec r, List<String> kinds) throws IOException {
    long n = recordIds.apply(recordSeq++);
    String id = "R" + pad(n, idDigits);
    p.ids.add(id);
    String line = csv(id, r.given, r.family, sex(r.sex), date(r), p.c.formatPhone(r.phone, rnd), r.nid, r.city,
        r.district, addressNoise(r.address));
    int b = (int) (n * buckets / recordIds.space);
    BufferedWriter w = bucketOut[b];
    w.write(id);
    w.write('\t');
    w.write(p.label);
    w.write('\t');
    w.write(kinds == null ? "-" : String.join(";", kinds));
    w.write('\t');
    w.write(line);
    w.write('\n');
  }

  String sex(char s) {
    double u = rnd.nextDouble();
    if (u < 0.82) return String.valueOf(s);
    if (u < 0.91) return s == 'M' ? "Masculin" : "Féminin";
    return s == 'M' ? "H" : "F";
  }

  /** The date as this facility writes it (ISO, DD/MM/YYYY or YYYYMMDD), or the year alone. */
  String date(Rec r) {
    if (r.dateMode == YEAR_ONLY) return String.valueOf(r.y);
    int m = r.dateMode == JAN_FIRST ? 1 : r.m, d = r.dateMode == JAN_FIRST ? 1 : r.d;
    double u = rnd.nextDouble();
    if (u < 0.60) return String.format(Locale.ROOT, "%04d-%02d-%02d", r.y, m, d);
    if (u < 0.95) return String.format(Locale.ROOT, "%02d/%02d/%04d", d, m, r.y);
    return String.format(Locale.ROOT, "%04d%02d%02d", r.y, m, d);
  }

  /** Facilities write the same address differently: abbreviations, case, accents (not a corruption). */
  String addressNoise(String a) {
    if (a == null || rnd.nextDouble() >= 0.30) return a;
    switch (rnd.nextInt(5)) {
      case 0 -> {
        String[][] ab = {{"Rue ", "R. "}, {"Avenue ", "Av. "}, {"Boulevard ", "Bd "}, {"Résidence ", "Rés. "},
            {"Immeuble ", "Imm. "}, {"N° ", "No "}, {"Près de ", "Pres de "}, {"Derrière ", "Derr. "},
            {"Lotissement ", "Lot. "}, {"Carrefour ", "Carref. "}, {"Quartier ", "Qtier "}, {"Appartement ", "Appt "}};
        for (String[] x : ab) if (a.contains(x[0])) return a.replace(x[0], x[1]);
        return a.toUpperCase(Locale.ROOT);
      }
      case 1 -> {
        return a.toUpperCase(Locale.ROOT);
      }
      case 2 -> {
        return a.toLowerCase(Locale.ROOT);
      }
      case 3 -> {
        return stripAccents(a);
      }
      default -> {
        return a.replace(",", "");
      }
    }
  }

  static String csv(String... v) {
    StringBuilder b = new StringBuilder(128);
    for (int i = 0; i < v.length; i++) {
      if (i > 0) b.append(',');
      String s = v[i] == null ? "" : v[i];
      if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0) b.append('"').append(s.replace("\"", "\"\"")).append('"');
      else b.append(s);
    }
    return b.toString();
  }

  static String pad(long n, int digits) {
    String s = Long.toString(n);
    if (s.length() >= digits) return s;
    return "0".repeat(digits - s.length()) + s;
  }

  // ------------------------------------------------------------------------------------------
  // corruptions

  List<String> corrupt(Person p, Rec x) {
    double u = rnd.nextDouble();
    int k = 0;
    for (double acc = CORRUPTION_COUNT[0]; u >= acc && k < 3; acc += CORRUPTION_COUNT[++k]) {}
    boolean[] chosen = new boolean[KINDS.length];
    double[] w = new double[KINDS.length];
    for (int t = 0; t < k; t++) {
      double total = 0;
      for (int i = 0; i < KINDS.length; i++) {
        w[i] = !chosen[i] && applies(KINDS[i], p, x) && compatible(i, chosen) ? WEIGHTS[i] : 0;
        total += w[i];
      }
      if (total == 0) break;
      double v = rnd.nextDouble() * total;
      int pick = 0;
      while (pick < KINDS.length - 1 && (v -= w[pick]) >= 0) pick++;
      while (w[pick] == 0) pick--; // rounding at the end of the range
      chosen[pick] = true;
    }
    List<String> done = new ArrayList<>(3);
    for (int i = 0; i < KINDS.length; i++) if (chosen[i] && apply(KINDS[i], p, x)) done.add(KINDS[i]);
    return done;
  }

  static final List<String> NAME_KINDS = List.of("nickname-or-second-given-name", "compound-split", "particle",
      "transliteration", "day-name", "typo", "accents-case");

  /** Kinds that would hide or undo each other are not combined on one record. */
  static boolean compatible(int i, boolean[] chosen) {
    String k = KINDS[i];
    for (int j = 0; j < KINDS.length; j++) {
      if (!chosen[j]) continue;
      String o = KINDS[j];
      if (group(k) != null && group(k).equals(group(o))) return false;
      if (k.equals("arabic-script") && NAME_KINDS.contains(o) || o.equals("arabic-script") && NAME_KINDS.contains(k)) return false;
      if (k.equals("nickname-or-second-given-name") && o.equals("compound-split")
          || o.equals("nickname-or-second-given-name") && k.equals("compound-split")) return false;
    }
    return true;
  }

  static String group(String kind) {
    return switch (kind) {
      case "birth-year-only", "day-month-swap", "date-typo" -> "date";
      case "phone-changed", "phone-missing" -> "phone";
      case "id-missing", "id-typo" -> "id";
      default -> null;
    };
  }

  boolean applies(String kind, Person p, Rec x) {
    return switch (kind) {
      case "typo", "accents-case", "phone-changed", "city-moved" -> true;
      case "name-order-swapped" -> !x.given.equals(x.family);
      case "compound-split" -> compound(x.given) || compound(x.family);
      case "particle" -> !particleVariants(x.family, p.c, true).isEmpty() || !particleVariants(x.given, p.c, false).isEmpty();
      case "transliteration" -> canTransliterate(x.given) || canTransliterate(x.family);
      case "arabic-script" -> p.c.code.equals("MA") && arabic(x.given) != null && arabic(x.family) != null;
      case "day-name" -> dayNameToken(x.given, x.sex) >= 0;
      case "nickname-or-second-given-name" -> !nicknames(x.given).isEmpty();
      case "birth-year-only", "day-month-swap" -> x.dateMode == FULL && (kind.equals("birth-year-only") || x.d <= 12 && x.d != x.m);
      case "date-typo" -> x.dateMode != YEAR_ONLY;
      case "phone-missing" -> x.phone != null;
      case "id-missing", "id-typo" -> x.nid != null;
      default -> throw new IllegalStateException(kind);
    };
  }

  /** Applies one corruption; false when it could not change the record (then it is not listed). */
  boolean apply(String kind, Person p, Rec x) {
    switch (kind) {
      case "typo" -> {
        boolean given = rnd.nextBoolean();
        String s = given ? x.given : x.family;
        String t = typo(s);
        if (t == null) return false;
        if (given) x.given = t;
        else x.family = t;
        return true;
      }
      case "name-order-swapped" -> {
        String g = x.given;
        x.given = x.family;
        x.family = g;
        return !x.given.equals(x.family);
      }
      case "compound-split" -> {
        boolean g = compound(x.given), f = compound(x.family);
        if (g && (!f || rnd.nextBoolean())) x.given = compoundVariant(x.given, false, p.c);
        else if (f) x.family = compoundVariant(x.family, true, p.c);
        else return false;
        return true;
      }
      case "particle" -> {
        List<String> fv = particleVariants(x.family, p.c, true), gv = particleVariants(x.given, p.c, false);
        if (!fv.isEmpty() && (gv.isEmpty() || rnd.nextDouble() < 0.8)) x.family = fv.get(rnd.nextInt(fv.size()));
        else if (!gv.isEmpty()) x.given = gv.get(rnd.nextInt(gv.size()));
        else return false;
        return true;
      }
      case "transliteration" -> {
        boolean given = rnd.nextDouble() < 0.6;
        String t = transliterate(given ? x.given : x.family);
        if (t == null) {
          given = !given;
          t = transliterate(given ? x.given : x.family);
        }
        if (t == null) return false;
        if (given) x.given = t;
        else x.family = t;
        return true;
      }
      case "arabic-script" -> {
        String g = arabic(x.given), f = arabic(x.family);
        if (g == null || f == null) return false;
        x.given = g;
        x.family = f;
        return true;
      }
      case "accents-case" -> {
        return accentsCase(x);
      }
      case "day-name" -> {
        String t = dayNameVariant(x.given, x.sex);
        if (t == null) return false;
        x.given = t;
        return true;
      }
      case "nickname-or-second-given-name" -> {
        List<String> v = nicknames(x.given);
        if (v.isEmpty()) return false;
        x.given = v.get(rnd.nextInt(v.size()));
        return true;
      }
      case "birth-year-only" -> {
        x.dateMode = rnd.nextDouble() < 0.6 ? YEAR_ONLY : JAN_FIRST;
        return true;
      }
      case "day-month-swap" -> {
        if (LocalDate.of(x.y, x.d, x.m).isAfter(TODAY)) return false;
        int d = x.d;
        x.d = x.m;
        x.m = d;
        return true;
      }
      case "date-typo" -> {
        return dateTypo(x);
      }
      case "phone-changed" -> {
        String n;
        do n = p.c.phone(rnd); while (n.equals(x.phone));
        x.phone = n;
        return true;
      }
      case "phone-missing" -> {
        x.phone = null;
        return true;
      }
      case "id-missing" -> {
        x.nid = null;
        return true;
      }
      case "id-typo" -> {
        x.nid = digitTypo(x.nid);
        return true;
      }
      case "city-moved" -> {
        String city;
        do city = p.c.city(rnd); while (city.equals(x.city));
        x.city = city;
        x.district = p.c.district(city, rnd);
        x.address = p.c.address(x.district, p.root(), rnd);
        return true;
      }
      default -> throw new IllegalStateException(kind);
    }
  }

  // AZERTY neighbours: francophone keyboards
  static final String[] ROWS = {"azertyuiop", "qsdfghjklm", "wxcvbn"};

  char neighbour(char c) {
    char lc = Character.toLowerCase(c);
    List<Character> n = new ArrayList<>();
    for (int r = 0; r < ROWS.length; r++) {
      int i = ROWS[r].indexOf(lc);
      if (i < 0) continue;
      if (i > 0) n.add(ROWS[r].charAt(i - 1));
      if (i + 1 < ROWS[r].length()) n.add(ROWS[r].charAt(i + 1));
      if (r > 0 && i < ROWS[r - 1].length()) n.add(ROWS[r - 1].charAt(i));
      if (r + 1 < ROWS.length && i < ROWS[r + 1].length()) n.add(ROWS[r + 1].charAt(i));
    }
    if (n.isEmpty()) return "aeiou".charAt(rnd.nextInt(5));
    char x = n.get(rnd.nextInt(n.size()));
    return Character.isUpperCase(c) ? Character.toUpperCase(x) : x;
  }

  /** Insert, delete, substitute or transpose one letter (rarely the first). */
  String typo(String s) {
    int n = s.length();
    if (n < 2) return null;
    for (int t = 0; t < 20; t++) {
      int i = rnd.nextDouble() < 0.08 ? 0 : 1 + rnd.nextInt(n - 1);
      char c = s.charAt(i);
      if (!Character.isLetter(c)) continue;
      String r;
      switch (rnd.nextInt(4)) {
        case 0 -> {
          char ins = rnd.nextBoolean() ? c : neighbour(c);
          if (i == 0) ins = Character.toLowerCase(ins);
          r = s.substring(0, i + 1) + ins + s.substring(i + 1);
        }
        case 1 -> {
          if (n <= 3) continue;
          r = s.substring(0, i) + s.substring(i + 1);
          if (i == 0) r = Character.toUpperCase(r.charAt(0)) + r.substring(1);
        }
        case 2 -> {
          char sub = rnd.nextDouble() < 0.7 ? neighbour(c) : vowelSwap(c);
          r = s.substring(0, i) + sub + s.substring(i + 1);
        }
        default -> {
          if (i + 1 >= n || !Character.isLetter(s.charAt(i + 1)) || i == 0) continue;
          r = s.substring(0, i) + s.charAt(i + 1) + c + s.substring(i + 2);
        }
      }
      if (!r.equals(s) && !stripAccents(r).equalsIgnoreCase(stripAccents(s))) return r;
    }
    return null;
  }

  char vowelSwap(char c) {
    String v = "aeiou";
    char x = v.charAt(rnd.nextInt(5));
    return Character.isUpperCase(c) ? Character.toUpperCase(x) : x;
  }

  static String[] parts(String s) {
    return s.split("[ -]+");
  }

  static final List<String> PARTICLE_WORDS = List.of("el", "al", "ben", "ibn", "bin", "ait", "aït", "de", "d'", "abd", "ould");

  /** A name of two or more words or hyphenated parts (a leading particle such as El or Ait does not count; Ngo and Nga do). */
  static boolean compound(String s) {
    String[] w = parts(s);
    if (w.length < 2) return false;
    return !PARTICLE_WORDS.contains(w[0].toLowerCase(Locale.ROOT)) && !s.startsWith("d'");
  }

  /** Jean-Paul / Jean Paul / JeanPaul; Ngo Mbarga / Mbarga / NgoMbarga; Atangana Mballa / Atangana. */
  String compoundVariant(String s, boolean family, Country c) {
    if (s.startsWith("Ngo ") || s.startsWith("Nga ")) {
      String rest = s.substring(4);
      double u = rnd.nextDouble();
      if (u < 0.55) return rest;
      if (u < 0.75) return s.substring(0, 3) + rest;
      if (u < 0.90) return s.substring(0, 3) + "-" + rest;
      return s.substring(0, 3) + rest.toLowerCase(Locale.ROOT);
    }
    List<Integer> seps = new ArrayList<>();
    for (int i = 1; i < s.length() - 1; i++) if (s.charAt(i) == ' ' || s.charAt(i) == '-') seps.add(i);
    int i = seps.get(rnd.nextInt(seps.size()));
    char sep = s.charAt(i);
    double u = rnd.nextDouble();
    if (family && u < 0.25) return s.substring(0, i); // the second name of a double surname is left out
    // two given names side by side (Kossi Mawuli) get a hyphen, never glued together
    boolean glue = family || sep == '-' || c.code.equals("MA");
    if (u < 0.55 || !glue) return s.substring(0, i) + (sep == ' ' ? '-' : ' ') + s.substring(i + 1);
    if (u < 0.80) return s.substring(0, i) + s.substring(i + 1);
    return s.substring(0, i) + s.substring(i + 1).toLowerCase(Locale.ROOT);
  }

  static final String SUN = "tdrzsnl";

  /** El Amrani / Elamrani / Al Amrani / Amrani / Lamrani; Benjelloun / Ben Jelloun / Ibn Jelloun; Ait Ali / Aït-Ali; de Souza / Desouza. */
  static List<String> particleVariants(String s, Country c, boolean family) {
    List<String> v = new ArrayList<>();
    if (s == null || s.length() < 3) return v;
    String low = s.toLowerCase(Locale.ROOT);
    if ((s.startsWith("El ") || s.startsWith("Al ")) && s.length() > 4) {
      String rest = s.substring(3);
      String lr = rest.toLowerCase(Locale.ROOT);
      v.add(rest);
      v.add(s.substring(0, 2) + lr);
      v.add((s.startsWith("El") ? "Al " : "El ") + rest);
      v.add(s.substring(0, 2) + "-" + rest);
      char f = lr.charAt(0);
      if (SUN.indexOf(f) >= 0) v.add("E" + f + lr);
      if (f == 'a') v.add("L" + lr);
    } else if (c.code.equals("MA") && s.length() > 5 && s.charAt(0) == 'E' && SUN.indexOf(s.charAt(1)) >= 0 && s.charAt(2) == s.charAt(1)) {
      String rest = Character.toUpperCase(s.charAt(2)) + s.substring(3);
      v.add("El " + rest);
      v.add(rest);
      v.add("E" + s.charAt(1) + "-" + rest);
      v.add("Al " + rest);
    } else if (Data.L_ARTICLE.containsKey(s)) {
      String rest = Data.L_ARTICLE.get(s);
      v.add("El " + rest);
      v.add(rest);
      v.add("El" + rest.toLowerCase(Locale.ROOT));
    } else if (Data.BEN.contains(s)) {
      String rest = s.substring(3);
      v.add("Ben " + rest);
      v.add("Ben-" + rest);
      v.add("Ibn " + rest);
      v.add("Bin " + rest);
    } else if (s.startsWith("Ait ")) {
      String rest = s.substring(4);
      v.add("Aït " + rest);
      v.add("Ait-" + rest);
      v.add("Ait" + rest.toLowerCase(Locale.ROOT));
      v.add("Aït-" + rest);
    } else if (s.startsWith("de ")) {
      String rest = s.substring(3);
      v.add("De " + rest);
      v.add("De" + rest.toLowerCase(Locale.ROOT));
      v.add(rest);
    } else if (s.startsWith("d'")) {
      String rest = s.substring(2);
      v.add("D'" + rest);
      v.add("D" + rest.toLowerCase(Locale.ROOT));
      v.add(rest);
      v.add("De " + rest);
    } else if (s.startsWith("Abd") && s.length() > 6 && !s.contains(" ")) {
      if (s.equals("Abdellah")) {
        v.add("Abd Allah");
        v.add("Abdallah");
        v.add("Abd-Allah");
      } else if (low.startsWith("abdel")) {
        String rest = Character.toUpperCase(s.charAt(5)) + s.substring(6);
        v.add("Abdel " + rest);
        v.add("Abd El " + rest);
        v.add("Abdul " + rest);
        v.add("Abd-el-" + rest);
      } else if (low.length() > 6 && SUN.indexOf(low.charAt(4)) >= 0 && low.charAt(5) == low.charAt(4) && low.charAt(3) == 'e') {
        String rest = Character.toUpperCase(s.charAt(5)) + s.substring(6);
        v.add("Abd E" + low.charAt(4) + rest.toLowerCase(Locale.ROOT));
        v.add("Abdel " + rest);
        v.add("Abd El " + rest);
      }
    } else if (family && c.code.equals("MA") && !s.contains(" ") && s.length() >= 5 && low.endsWith("i")) {
      // a nisba written without its article: Idrissi / El Idrissi / Elidrissi
      v.add("El " + s);
      v.add("El" + low);
    }
    v.removeIf(x -> x.equals(s));
    return v;
  }

  /** A spelling of the same name: the variants registers see (Mohamed/Mohammed) or one rule (ou/u, kh/k, dj/j, ch/sh...). */
  String transliterate(String s) {
    if (s == null || s.isEmpty()) return null;
    String[] table = Data.VARIANTS.get(s);
    if (table != null && rnd.nextDouble() < 0.8) return table[rnd.nextInt(table.length)];
    String[] tokens = s.split("(?<=[ -])|(?=[ -])");
    List<String> cands = new ArrayList<>();
    List<Integer> where = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      if (t.length() < 3) continue;
      String[] tv = Data.VARIANTS.get(t);
      if (tv != null) for (String x : tv) {
        cands.add(x);
        where.add(i);
      }
      if (Data.FRENCH.contains(t) || Data.DAY_OF.containsKey(t + "M") || Data.DAY_OF.containsKey(t + "F")) continue;
      for (String x : ruleVariants(t)) {
        cands.add(x);
        where.add(i);
      }
    }
    if (cands.isEmpty()) return table == null ? null : table[rnd.nextInt(table.length)];
    int k = rnd.nextInt(cands.size());
    tokens[where.get(k)] = cands.get(k);
    String r = String.join("", tokens);
    return r.equals(s) ? null : r;
  }

  static boolean canTransliterate(String s) {
    if (Data.VARIANTS.containsKey(s)) return true;
    for (String t : s.split("[ -]")) {
      if (t.length() < 3) continue;
      if (Data.VARIANTS.containsKey(t)) return true;
      if (Data.FRENCH.contains(t) || Data.DAY_OF.containsKey(t + "M") || Data.DAY_OF.containsKey(t + "F")) continue;
      if (!ruleVariants(t).isEmpty()) return true;
    }
    return false;
  }

  static final String[][] RULES = {{"ou", "u"}, {"kh", "k"}, {"dj", "j"}, {"tch", "ch"}, {"ch", "sh"}, {"q", "k"},
      {"ss", "s"}, {"mm", "m"}, {"ll", "l"}, {"dd", "d"}, {"rr", "r"}, {"tt", "t"}, {"bb", "b"}, {"pp", "p"},
      {"ei", "ai"}, {"w", "ou"}, {"gb", "b"}, {"ph", "f"}};

  static List<String> ruleVariants(String w) {
    List<String> out = new ArrayList<>();
    String l = w.toLowerCase(Locale.ROOT);
    for (String[] r : RULES) {
      int i = l.indexOf(r[0]);
      if (i < 0) continue;
      if (r[0].equals("ch") && i > 0 && l.charAt(i - 1) == 't') continue;
      if (r[0].equals("gb") && i == 0) continue;
      out.add(l.substring(0, i) + r[1] + l.substring(i + r[0].length()));
    }
    if (l.endsWith("ae")) out.add(l.substring(0, l.length() - 1));
    if (l.matches(".*[aio]ne") || l.endsWith("ime")) out.add(l.substring(0, l.length() - 1));
    if (l.length() > 3 && "aeiou".indexOf(l.charAt(l.length() - 1)) >= 0) out.add(l + "h");
    if (l.length() > 4 && l.endsWith("h") && "aeiou".indexOf(l.charAt(l.length() - 2)) >= 0) out.add(l.substring(0, l.length() - 1));
    if (l.startsWith("ko")) out.add("c" + l.substring(1));
    if (l.startsWith("co")) out.add("k" + l.substring(1));
    List<String> res = new ArrayList<>();
    for (String x : out) {
      if (x.length() < 2) continue;
      String y = Character.isUpperCase(w.charAt(0)) ? Character.toUpperCase(x.charAt(0)) + x.substring(1) : x;
      if (!y.equals(w)) res.add(y);
    }
    return res;
  }

  static String arabic(String latin) {
    if (latin == null) return null;
    String a = Data.ARABIC.get(latin);
    if (a != null) return a;
    String[] w = latin.split(" ");
    if (w.length < 2) return null;
    StringBuilder b = new StringBuilder();
    for (String x : w) {
      String y = Data.ARABIC.get(x);
      if (y == null) return null;
      if (b.length() > 0) b.append(' ');
      b.append(y);
    }
    return b.toString();
  }

  /** KOSSIWA, kossiwa, Adjoa → Adjoà, Hélène → Helene, Eric → Éric. */
  boolean accentsCase(Rec x) {
    for (int t = 0; t < 10; t++) {
      String g = x.given, f = x.family;
      double u = rnd.nextDouble();
      if (u < 0.35) f = upper(f);
      else if (u < 0.48) g = upper(g);
      else if (u < 0.62) {
        g = upper(g);
        f = upper(f);
      } else if (u < 0.72) {
        g = g.toLowerCase(Locale.ROOT);
        f = f.toLowerCase(Locale.ROOT);
      } else if (u < 0.86) {
        g = stripAccents(g);
        f = stripAccents(f);
      } else if (rnd.nextBoolean()) g = addAccent(g);
      else f = addAccent(f);
      if (!g.equals(x.given) || !f.equals(x.family)) {
        x.given = g;
        x.family = f;
        return true;
      }
    }
    return false;
  }

  String upper(String s) {
    String u = s.toUpperCase(Locale.ROOT);
    return rnd.nextBoolean() ? stripAccents(u) : u; // capitals often lose their accents
  }

  String addAccent(String s) {
    List<Integer> pos = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) if ("aeioE".indexOf(s.charAt(i)) >= 0) pos.add(i);
    if (pos.isEmpty()) return s;
    int i = rnd.nextBoolean() ? pos.get(pos.size() - 1) : pos.get(rnd.nextInt(pos.size()));
    char c = s.charAt(i);
    String rep = switch (c) {
      case 'a' -> "à";
      case 'e' -> rnd.nextBoolean() ? "é" : "è";
      case 'i' -> "ï";
      case 'o' -> "ô";
      default -> "É";
    };
    return s.substring(0, i) + rep + s.substring(i + 1);
  }

  static String stripAccents(String s) {
    if (s == null) return null;
    String d = Normalizer.normalize(s, Normalizer.Form.NFD);
    StringBuilder b = new StringBuilder(d.length());
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (Character.getType(c) != Character.NON_SPACING_MARK) b.append(c);
    }
    return b.toString();
  }

  /** Index of the word of {@code given} that is an Ewe/Akan day name of this sex, or -1. */
  static int dayNameToken(String given, char sex) {
    String[] w = given.split(" ");
    for (int i = 0; i < w.length; i++) if (Data.DAY_OF.containsKey(w[i] + sex)) return i;
    return -1;
  }

  String dayNameVariant(String given, char sex) {
    int i = dayNameToken(given, sex);
    if (i < 0) return null;
    String[] w = given.split(" ");
    String[] forms = Data.DAY_OF.get(w[i] + sex);
    String n;
    do n = forms[rnd.nextInt(forms.length)]; while (n.equals(w[i]));
    w[i] = n;
    return String.join(" ", w);
  }

  /** Marie-Claire → Claire, Mohamed Amine → Amine, Kossi Mawuli → Mawuli, Emmanuel → Manu. */
  static List<String> nicknames(String given) {
    List<String> v = new ArrayList<>();
    String[] w = parts(given);
    if (w.length >= 2 && compound(given)) {
      v.add(w[w.length - 1]);
      v.add(w[w.length - 1]);
      v.add(w[0]);
    }
    String[] n = Data.NICK.get(given);
    if (n == null && w.length >= 1) n = Data.NICK.get(w[0]);
    if (n != null) v.addAll(Arrays.asList(n));
    v.removeIf(x -> x.equals(given));
    return v;
  }

  boolean dateTypo(Rec x) {
    for (int t = 0; t < 20; t++) {
      int y = x.y, m = x.m, d = x.d;
      int op = x.dateMode == JAN_FIRST ? rnd.nextInt(2) : rnd.nextInt(6);
      switch (op) {
        case 0 -> y += rnd.nextBoolean() ? 1 : -1;
        case 1 -> y = y / 100 * 100 + (y % 10) * 10 + (y / 10 % 10); // 1987 → 1978
        case 2 -> d += rnd.nextBoolean() ? 1 : -1;
        case 3 -> d = (d % 10) * 10 + d / 10; // 12 → 21
        case 4 -> m += rnd.nextBoolean() ? 1 : -1;
        default -> d = d < 10 ? d + 10 : d >= 20 ? d - 10 : d + 10; // 03 → 13
      }
      if (y == x.y && m == x.m && d == x.d) continue;
      if (m < 1 || m > 12 || d < 1 || y < 1900) continue;
      try {
        LocalDate nd = LocalDate.of(y, m, d);
        if (nd.isAfter(TODAY)) continue;
      } catch (java.time.DateTimeException e) {
        continue;
      }
      x.y = y;
      x.m = m;
      x.d = d;
      return true;
    }
    return false;
  }

  String digitTypo(String s) {
    char[] c = s.toCharArray();
    int i = rnd.nextInt(c.length);
    if (rnd.nextDouble() < 0.4 && i + 1 < c.length && c[i] != c[i + 1]) {
      char t = c[i];
      c[i] = c[i + 1];
      c[i + 1] = t;
    } else {
      char o = c[i];
      do c[i] = (char) ('0' + rnd.nextInt(10)); while (c[i] == o);
    }
    return new String(c);
  }

  // ------------------------------------------------------------------------------------------
  // relations and output

  void relations(List<Person> h) throws IOException {
    for (int i = 0; i < h.size(); i++) {
      for (int j = i + 1; j < h.size(); j++) {
        Person a = h.get(i), b = h.get(j);
        boolean sameName = a.root().equals(b.root());
        String kind = null;
        if (a.twin == b) kind = "twin";
        else if (parentOf(a, b) || parentOf(b, a)) {
          boolean sharedId = a.nid != null && a.nid.equals(b.nid);
          if (sameName || sharedId) kind = "parent-child";
        } else if (sameName) kind = "household";
        if (kind == null && coResidents) kind = "co-resident";
        if (kind == null) continue;
        relationPersons.merge(kind, 1L, Long::sum);
        for (String x : a.ids) {
          for (String y : b.ids) {
            boolean lt = x.compareTo(y) < 0;
            relationsOut.write(lt ? x : y);
            relationsOut.write(',');
            relationsOut.write(lt ? y : x);
            relationsOut.write(',');
            relationsOut.write(kind);
            relationsOut.write('\n');
            relationPairs.merge(kind, 1L, Long::sum);
          }
        }
      }
    }
  }

  static boolean parentOf(Person p, Person c) {
    return c.father == p || c.mother == p;
  }

  void merge() throws IOException {
    try (BufferedWriter rec = Files.newBufferedWriter(out.resolve("records.csv"), StandardCharsets.UTF_8);
        BufferedWriter truth = Files.newBufferedWriter(out.resolve("truth.csv"), StandardCharsets.UTF_8);
        BufferedWriter cor = Files.newBufferedWriter(out.resolve("corruptions.csv"), StandardCharsets.UTF_8)) {
      rec.write("id,given,family,sex,birth_date,phone,national_id,city,district,address\n");
      truth.write("id,person\n");
      cor.write("id,kinds\n");
      for (int b = 0; b < buckets; b++) {
        Path f = tmp.resolve("bucket-" + b);
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        lines.sort(null); // fixed-width ids first on each line: line order is id order
        for (String l : lines) {
          int t1 = l.indexOf('\t'), t2 = l.indexOf('\t', t1 + 1), t3 = l.indexOf('\t', t2 + 1);
          String id = l.substring(0, t1);
          truth.write(id);
          truth.write(',');
          truth.write(l, t1 + 1, t2 - t1 - 1);
          truth.write('\n');
          String kinds = l.substring(t2 + 1, t3);
          if (!kinds.equals("-")) {
            cor.write(id);
            cor.write(',');
            cor.write(kinds);
            cor.write('\n');
          }
          rec.write(l, t3 + 1, l.length() - t3 - 1);
          rec.write('\n');
        }
        Files.delete(f);
      }
    }
    Files.delete(tmp);
  }

  void report(double seconds) throws IOException {
    long records = recordSeq;
    System.out.printf(Locale.ROOT, "seed %d: %d persons (Togo %d, Cameroon %d, Morocco %d) in %d households%n", seed,
        personSeq, byCountry[0], byCountry[1], byCountry[2], households);
    System.out.printf(Locale.ROOT, "records %d; persons with duplicates %d (%.1f %%); duplicate records %d; true pairs %d%n",
        records, duplicatePersons, 100.0 * duplicatePersons / personSeq, duplicateRecords, truePairs);
    System.out.printf(Locale.ROOT, "national_id on the first record %.1f %%; phone %.1f %%; 1 January placeholder dates %.1f %%; twin pairs %d%n",
        100.0 * nidPresent / personSeq, 100.0 * phonePresent / personSeq, 100.0 * presumedDates / personSeq, twinPairs);
    for (String k : coResidents ? List.of("twin", "parent-child", "household", "co-resident") : List.of("twin", "parent-child", "household")) {
      System.out.printf(Locale.ROOT, "relation\t%s\trecord_pairs=%d\tperson_pairs=%d%n", k, relationPairs.getOrDefault(k, 0L),
          relationPersons.getOrDefault(k, 0L));
    }
    System.out.printf(Locale.ROOT, "duplicates by number of corruptions: 0: %d, 1: %d, 2: %d, 3: %d%n", byCorruptionCount[0],
        byCorruptionCount[1], byCorruptionCount[2], byCorruptionCount[3]);
    for (Map.Entry<String, Long> e : corruptionCounts.entrySet()) {
      System.out.printf(Locale.ROOT, "corruption\t%s\t%d%n", e.getKey(), e.getValue());
    }
    long bytes = 0;
    for (String f : List.of("records.csv", "truth.csv", "relations.csv", "corruptions.csv")) bytes += Files.size(out.resolve(f));
    System.out.printf(Locale.ROOT, "wrote %s (records.csv %.1f MB, all files %.1f MB) in %.1f s%n", out,
        Files.size(out.resolve("records.csv")) / 1e6, bytes / 1e6, seconds);
  }

  // ------------------------------------------------------------------------------------------
  // keyed permutation of [0, space): a Feistel network on the next even power of two, cycle-walked

  static final class Permutation {
    final long space;
    final int half;
    final long mask;
    final long[] keys = new long[4];

    Permutation(long space, SplittableRandom keySource) {
      this.space = space;
      int bits = 64 - Long.numberOfLeadingZeros(space - 1);
      this.half = (bits + 1) / 2;
      this.mask = (1L << half) - 1;
      for (int i = 0; i < keys.length; i++) keys[i] = keySource.nextLong();
    }

    long apply(long x) {
      do x = round(x); while (x >= space);
      return x;
    }

    private long round(long x) {
      long l = x >>> half, r = x & mask;
      for (long k : keys) {
        long f = mix(r ^ k) & mask;
        long t = r;
        r = l ^ f;
        l = t;
      }
      return (l << half) | r;
    }

    private static long mix(long z) {
      z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
      z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
      return z ^ (z >>> 33);
    }
  }

  // ------------------------------------------------------------------------------------------
  // country profiles

  static final class Country {
    String code;
    int index;
    String dial;
    String[] givenM, givenF;
    Map<String, String[]> family = new LinkedHashMap<>();
    Map<String, String[]> givenByGroupM = new HashMap<>(), givenByGroupF = new HashMap<>();
    String[] cities;
    double[] cityWeights;
    double cityTotal;
    Map<String, String[]> districts = new HashMap<>();
    String[] otherDistricts;
    Map<String, double[]> groupWeights = new HashMap<>(); // region -> weights over family keys
    Map<String, String> regionOf = new HashMap<>();
    String defaultRegion;
    double wifeTakesName, presumedShare;

    String city(SplittableRandom r) {
      double x = r.nextDouble() * cityTotal;
      for (int i = 0; i < cities.length; i++) {
        x -= cityWeights[i];
        if (x < 0) return cities[i];
      }
      return cities[cities.length - 1];
    }

    String district(String city, SplittableRandom r) {
      String[] d = districts.getOrDefault(city, otherDistricts);
      return d[r.nextInt(d.length)];
    }

    String group(String city, SplittableRandom r) {
      String region = regionOf.getOrDefault(city, defaultRegion);
      double[] w = groupWeights.get(region);
      String[] keys = family.keySet().toArray(new String[0]);
      double s = 0;
      for (double v : w) s += v;
      double x = r.nextDouble() * s;
      for (int i = 0; i < w.length; i++) {
        x -= w[i];
        if (x < 0) return keys[i];
      }
      return keys[keys.length - 1];
    }

    /** Frequent names first in every list: the draw favours the head of the list. */
    static String zipf(String[] list, SplittableRandom r) {
      return list[(int) (list.length * Math.pow(r.nextDouble(), 1.9))];
    }

    String family(String group, SplittableRandom r) {
      String f = zipf(family.get(group), r);
      if (code.equals("CM") && (group.equals("beti") || group.equals("bassa")) && r.nextDouble() < 0.15) {
        String g;
        do g = zipf(family.get(group), r); while (g.equals(f));
        f = f + " " + g; // Atangana Mballa: two names, both passed on
      }
      return f;
    }

    String femaleParticle(String group, String f, SplittableRandom r) {
      if (f.contains(" ")) return f;
      if (group.equals("bassa") && r.nextDouble() < 0.45) return "Ngo " + f;
      if (group.equals("beti") && r.nextDouble() < 0.15) return "Nga " + f;
      return f;
    }

    String given(String group, char sex, LocalDate birth, SplittableRandom r) {
      switch (code) {
        case "TG" -> {
          double u = r.nextDouble();
          String[] local = (sex == 'M' ? givenByGroupM : givenByGroupF).get(group);
          String[] french = sex == 'M' ? Data.FRENCH_M : Data.FRENCH_F;
          if (group.equals("south")) {
            if (u < 0.45) {
              String[] forms = Data.DAYS[birth.getDayOfWeek().getValue() % 7][sex == 'M' ? 0 : 1];
              String d = r.nextDouble() < 0.75 ? forms[0] : forms[1 + r.nextInt(Math.min(2, forms.length - 1))];
              double v = r.nextDouble();
              if (v < 0.20) d = d + " " + zipf(local, r);
              else if (v < 0.30) d = zipf(french, r) + " " + d;
              return d;
            }
            if (u < 0.80) return zipf(french, r);
            return zipf(local, r);
          }
          if (u < 0.40) return zipf(french, r);
          return zipf(local, r);
        }
        case "CM" -> {
          String[] local = (sex == 'M' ? givenByGroupM : givenByGroupF).get(group);
          String[] french = sex == 'M' ? Data.FRENCH_M : Data.FRENCH_F;
          double u = r.nextDouble();
          if (group.equals("north")) return u < 0.8 ? zipf(local, r) : zipf(french, r);
          if (group.equals("anglo")) return u < 0.7 ? zipf(local, r) : zipf(french, r);
          if (u < 0.08) return zipf(sex == 'M' ? Data.CM_ANGLO_M : Data.CM_ANGLO_F, r);
          String g = zipf(french, r);
          if (!g.contains("-") && r.nextDouble() < 0.15) {
            String h;
            do h = zipf(french, r); while (h.equals(g) || h.contains("-"));
            g = g + " " + h; // Paul Aimé, Marie Noëlle
          }
          return g;
        }
        default -> {
          return zipf(sex == 'M' ? givenM : givenF, r);
        }
      }
    }

    String phone(SplittableRandom r) {
      StringBuilder b = new StringBuilder(9);
      switch (code) {
        case "TG" -> {
          String[] p = {"90", "91", "92", "93", "96", "97", "98", "99", "90", "91", "92", "93", "96", "97", "98", "99", "70", "79"};
          b.append(p[r.nextInt(p.length)]);
          for (int i = 0; i < 6; i++) b.append((char) ('0' + r.nextInt(10)));
        }
        case "CM" -> {
          String[] p = {"67", "67", "67", "69", "69", "69", "65", "65", "68", "62"};
          b.append(p[r.nextInt(p.length)]);
          for (int i = 0; i < 7; i++) b.append((char) ('0' + r.nextInt(10)));
        }
        default -> {
          String[] p = {"61", "62", "63", "64", "65", "66", "67", "68", "69", "70", "76", "77"};
          b.append(p[r.nextInt(p.length)]);
          for (int i = 0; i < 7; i++) b.append((char) ('0' + r.nextInt(10)));
        }
      }
      return b.toString();
    }

    static String pairs(String d) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < d.length(); i += 2) {
        if (i > 0) b.append(' ');
        b.append(d, i, Math.min(d.length(), i + 2));
      }
      return b.toString();
    }

    /** The same number as facilities write it: with or without the country code, grouped or not. */
    String formatPhone(String d, SplittableRandom r) {
      if (d == null) return null;
      int style = r.nextInt(8);
      switch (code) {
        case "TG" -> {
          return switch (style) {
            case 0, 1 -> "+228 " + pairs(d);
            case 2 -> "+228" + d;
            case 3, 4 -> d;
            case 5 -> pairs(d);
            case 6 -> "00228 " + pairs(d);
            default -> pairs(d).replace(' ', '-');
          };
        }
        case "CM" -> {
          return switch (style) {
            case 0, 1 -> "+237 " + d.substring(0, 3) + " " + pairs(d.substring(3));
            case 2 -> "+237" + d;
            case 3, 4 -> d;
            case 5 -> d.charAt(0) + " " + pairs(d.substring(1));
            case 6 -> "00237 " + d;
            default -> d.substring(0, 3) + " " + d.substring(3, 6) + " " + d.substring(6);
          };
        }
        default -> {
          return switch (style) {
            case 0, 1 -> "+212 " + d.substring(0, 3) + "-" + d.substring(3);
            case 2 -> "+212" + d;
            case 3, 4 -> "0" + d;
            case 5 -> "0" + d.charAt(0) + " " + pairs(d.substring(1));
            case 6 -> "00212 " + d;
            default -> "0" + d.substring(0, 3) + "-" + pairs(d.substring(3)).replace(' ', '-');
          };
        }
      }
    }

    static String french(String s) {
      return s.replace("de le ", "du ").replace("de les ", "des ").replace("à le ", "au ").replace("à les ", "aux ");
    }

    String address(String district, String fam, SplittableRandom r) {
      String[] lm = Data.LANDMARKS.get(code);
      String raw = lm[r.nextInt(lm.length)];
      String landmark = raw.replace("{d}", district);
      String where = raw.contains("{d}") ? "" : ", " + district;
      int n = 1 + r.nextInt(r.nextBoolean() ? 60 : 400);
      switch (code) {
        case "TG" -> {
          return switch (r.nextInt(6)) {
            case 0 -> "Rue " + (100 + r.nextInt(900)) + ", " + district;
            case 1 -> french("Près de " + landmark);
            case 2 -> "Derrière " + landmark;
            case 3 -> "Maison " + fam + ", " + district;
            case 4 -> french("Face à " + landmark);
            default -> french("Non loin de " + landmark + where);
          };
        }
        case "CM" -> {
          return switch (r.nextInt(6)) {
            case 0 -> district + ", derrière " + landmark;
            case 1 -> "Face " + landmark + where;
            case 2 -> "Carrefour " + district;
            case 3 -> "Rue " + (1000 + r.nextInt(2000)) + ", " + district;
            case 4 -> "Entrée " + landmark;
            default -> "Montée " + landmark + where;
          };
        }
        default -> {
          String street = Data.MA_STREETS[r.nextInt(Data.MA_STREETS.length)];
          String res = Data.MA_RESIDENCES[r.nextInt(Data.MA_RESIDENCES.length)];
          return switch (r.nextInt(6)) {
            case 0, 1 -> n + " Rue " + street;
            case 2 -> "Bloc " + (char) ('A' + r.nextInt(12)) + " N° " + n + ", " + district;
            case 3 -> "Résidence " + res + ", Imm " + (1 + r.nextInt(40)) + " Appt " + (1 + r.nextInt(30));
            case 4 -> "Lotissement " + res + " N° " + n;
            default -> n + " Avenue " + street;
          };
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // name and place lists (common names, frequent ones first; combinations are random)

  static final class Data {
    static String[] list(String block) {
      return Arrays.stream(block.split("[,\\n]")).map(String::strip).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    static final Map<String, String> ARABIC = new HashMap<>();

    /** "Latin=Arabic" entries: keeps the Latin names and records their Arabic spelling. */
    static String[] arabicList(String block) {
      String[] e = list(block);
      String[] latin = new String[e.length];
      for (int i = 0; i < e.length; i++) {
        String[] kv = e[i].split("=");
        latin[i] = kv[0].strip();
        ARABIC.putIfAbsent(latin[i], kv[1].strip());
      }
      return latin;
    }

    static Map<String, String[]> pairs(String... kv) {
      Map<String, String[]> m = new HashMap<>();
      for (int i = 0; i < kv.length; i += 2) m.put(kv[i], list(kv[i + 1]));
      return m;
    }

    /** Ewe/Mina day names by weekday (0 = Sunday), male then female; the first form is the usual one in Togo. */
    static final String[][][] DAYS = {
        {{"Kossi", "Kwasi", "Kosi", "Akwasi", "Kouassi"}, {"Kossiwa", "Akossiwa", "Akosua", "Kossiwavi", "Akossua"}},
        {{"Kodjo", "Kwadjo", "Kwadwo", "Codjo", "Kojo"}, {"Adjoa", "Adjowa", "Adwoa", "Ajoa", "Adjo"}},
        {{"Komlan", "Komla", "Kwabena", "Komlavi", "Kobla"}, {"Abla", "Ablavi", "Abena", "Ablah"}},
        {{"Kokou", "Koku", "Kwaku", "Kokouvi", "Kouakou"}, {"Akouvi", "Akou", "Akua", "Akuvi"}},
        {{"Yao", "Yawo", "Yaw", "Yawovi"}, {"Yawa", "Yaa", "Yawavi", "Ayawa"}},
        {{"Kofi", "Koffi", "Kofivi", "Kouffi"}, {"Afi", "Afiwa", "Afua", "Afivi", "Afiwavi"}},
        {{"Komi", "Kwami", "Kwame", "Kwamivi"}, {"Ama", "Amavi", "Amah", "Amivi"}}};
    /** Day-name form + sex → all forms of that day and sex. */
    static final Map<String, String[]> DAY_OF = new HashMap<>();

    static {
      for (String[][] day : DAYS) {
        for (String f : day[0]) DAY_OF.put(f + "M", day[0]);
        for (String f : day[1]) DAY_OF.put(f + "F", day[1]);
      }
    }

    static final String[] FRENCH_M = list("""
        Jean, Emmanuel, Jean-Paul, Joseph, Paul, Pierre, Jean-Pierre, Jean-Baptiste, Michel, Jean-Claude,
        Jean-Marie, André, François, Jacques, Daniel, David, Samuel, Étienne, Augustin, Christophe,
        Serge, Hervé, Patrick, Éric, Yves, Alain, Bernard, Claude, Denis, Didier, Fabrice, Félix, Gabriel,
        Gérard, Guy, Henri, Honoré, Innocent, Justin, Laurent, Lucien, Marcel, Martin, Mathieu, Maurice,
        Noël, Olivier, Pascal, Raphaël, Richard, Robert, Roger, Romain, Sébastien, Simon, Théophile,
        Thomas, Victor, Vincent, Xavier, Aristide, Blaise, Brice, Cédric, Franck, Ghislain, Landry,
        Rodrigue, Thierry, Ulrich, Yannick, Arnaud, Fidèle, Anselme, Apollinaire, Bienvenu, Célestin,
        Cyrille, Dieudonné, Edmond, Éloi, Émile, Eugène, Florent, Hilaire, Josué, Jules, Kevin, Lambert,
        Léon, Marius, Modeste, Narcisse, Prosper, Séraphin, Achille, Ange, Armand, Jean-Jacques, Luc,
        Christian, Francis, Sylvain, Jean-Luc, Louis, Philippe, Valentin, Gilbert, Boris, Rostand""");
    /** French given names and their parts: spelling rules for African and Arabic names do not apply to them. */
    static final java.util.Set<String> FRENCH = new java.util.HashSet<>();

    static final String[] FRENCH_F = list("""
        Marie, Marie-Claire, Jeanne, Françoise, Marie-Thérèse, Christine, Élise, Joséphine, Thérèse, Anne-Marie,
        Marie-Louise, Marie-Noëlle, Marie-Christine, Marie-José, Jeannette, Christelle, Christiane, Éliane,
        Hélène, Brigitte, Cécile, Chantal, Claire, Claudine, Colette, Delphine, Denise, Edith, Élisabeth,
        Émilienne, Esther, Eugénie, Florence, Gisèle, Grâce, Henriette, Irène, Isabelle, Jacqueline, Judith,
        Juliette, Justine, Laure, Léonie, Lucie, Madeleine, Martine, Monique, Nadège, Nathalie, Odette,
        Pauline, Pélagie, Perpétue, Philomène, Rachel, Rebecca, Régine, Rosalie, Rose, Rosine, Ruth,
        Sandrine, Sarah, Solange, Sophie, Suzanne, Sylvie, Véronique, Victoire, Viviane, Yolande, Carine,
        Clarisse, Estelle, Félicité, Flore, Geneviève, Honorine, Hortense, Larissa, Mireille, Nicole,
        Octavie, Prisca, Raïssa, Valérie, Vanessa, Yvette, Berthe, Bernadette, Agathe, Angèle, Béatrice,
        Pascaline, Odile, Yvonne, Julienne, Francine, Danielle, Michèle, Emmanuella, Josiane, Gertrude""");

    // ---- Togo
    static {
      for (String[] l : new String[][] {FRENCH_M, FRENCH_F}) {
        for (String n : l) {
          FRENCH.add(n);
          FRENCH.addAll(Arrays.asList(n.split("-")));
        }
      }
    }

    static final String[] TG_SOUTH_FAMILY = list("""
        Mensah, Amouzou, Akakpo, Agbodjan, Adjavon, Lawson, Kpodar, Amégan, Dossou, Agbeko, Johnson, Wilson,
        d'Almeida, de Souza, Olympio, Agbessi, Ahadji, Amegah, Amétépé, Apedo, Attiogbé, Ayivi, Dogbé, Edoh,
        Eklou, Gbeassor, Kodjo, Koffi, Kokou, Kouevi, Messan, Sossou, Tété, Tossou, Klutse, Abotsi, Adabra,
        Adadé, Adjaho, Adjakly, Adjamagbo, Adjossou, Adodo, Adoko, Adotévi, Afanou, Afeli, Agbalenyo,
        Agbemavor, Agbenyo, Agbobli, Agbokou, Agbossou, Agboyibor, Ahli, Ahlonsou, Ahoomey-Zunu, Akapo, Akoly,
        Akpagana, Akpaki, Akpo, Akué, Alognon, Alowou, Amavi, Amedegnato, Amegee, Ameganvi, Amekoudji,
        Amekuse, Amenyah, Ametoglo, Amevor, Amewou, Anani, Anoumou, Apetoh, Aquereburu, Assogba, Atayi,
        Atchou, Atsou, Ayassou, Ayih, Ayikoé, Ayité, Azanledji, Dandjinou, Dogbevi, Dossouvi, Dzidzienyo,
        Ekoué, Ganyo, Gbadoé, Gbikpi, Gogoli, Gozo, Hodo, Homawoo, Hounkpati, Jondoh, Klu, Kokoroko, Kpadé,
        Kpogo, Kuma, Nayo, Quashie, Quam-Dessou, Sanvee, Segbedji, Sewonou, Agbo, Zinsou, Yovo, Fiawoo,
        Fiadjoe, Adzoh, Agossou, Houenou, Kuassi, Gbedey, Koudawo, Kouakou, Djossou, Folly, Gaba, Kodjovi,
        Komlan, Kossi, Yao, Tomety, Vovor, Sodji, Adanou, Boko, Daké, Degbé, Deku, Dotsé, Fianu, Gaglo,
        Gbénou, Kekeh, Ocansey, Sallah, Seddoh, Tamakloe, Tévi, Agbetra, Adjévi, Kuevidjen, Agbémadon,
        Amedzro, Houngbo, Gavon, Kudjoh, Nyaku, Akouété, Adzraku, Agbozo, Ahiavor, Aziaka, Bruce,
        Creppy, Dovi, Dzogbedo, Gadjo, Gagnon, Hlomador, Kpotogbe, Lassey, Mawussi, Santos, Trenou""");
    static final String[] TG_NORTH_FAMILY = list("""
        Tchalla, Kpatcha, Bawa, Pali, Tchédré, Gnassingbé, Bodjona, Kadanga, Abalo, Atcha, Tchamdja, Walla,
        Issifou, Tchagnao, Bouraïma, Alassani, Seidou, Salifou, Ouro-Bodi, Ouro-Djobo, Ouro-Sama, Ouro-Gbélé,
        Ouro-Akpo, Katanga, Bakaï, Banissi, Bassowa, Tchassona, Téou, Kolani, Lamboni, Tchangaï, Tchao,
        Sama, Samarou, Simtaro, Essizewa, Palanga, Péré, Yentcharé, Nabédé, Padaro, Moussa, Issaka,
        Akondo, Ayéva, Djagba, Tcharo, Agouda, Tchakondo, Yakoubou, Assih, Boukpessi, Lardja, Awesso,
        Djobo, Idrissou, Alidou, Zakari, Mamah, Gado, Kombaté, Sambiani, Lare, Kassa, Batchati, Agba,
        Badjana, Pitala, Awaté, Tabiou, Kézié, Hodabalo, Tchakpélé, Madjoulba, Agoro, Adam, Tchassanti,
        Moumouni, Bagna, Damipi, Namoin, Djagri, Gnandi, Natchaba, Lalle, Tchanga, Sandouidi, Yendoubé""");
    static final String[] TG_EWE_M = list("""
        Mawuli, Edem, Sena, Elom, Dodji, Kafui, Selom, Makafui, Mawuena, Kossivi, Yawovi, Messan, Agbéko,
        Kodjovi, Komlavi, Dela, Sélom, Elikem, Mawunyo, Sitsofe, Delali, Gameli, Selasi, Sedem, Folly, Edoh,
        Agbenyega, Dzidula, Kekeli, Atsu, Etse, Mensah, Anani, Dodzi, Yayra, Mawuko, Eyram, Fafali""");
    static final String[] TG_EWE_F = list("""
        Dzifa, Enyonam, Eyram, Senam, Yayra, Delali, Akpéné, Esi, Ayélé, Amivi, Afiavi, Mawuena, Elinam,
        Esinam, Sélom, Kafui, Dédé, Massan, Mawussi, Fafa, Kekeli, Elikplim, Sena, Yawavi, Edem, Mawulawoe,
        Akofa, Sitsofe, Dziedzorm, Eyawo, Abra, Adjo, Afefa, Nyuiemedi""");
    static final String[] TG_NORTH_M = list("""
        Essowè, Essodina, Essozimna, Tchilabalo, Kpatcha, Pyabalo, Hodabalo, Abalo, Pitalounani, Batchassi,
        Essolizam, Bassabi, Palakiyèm, Issifou, Abdou-Razak, Saliou, Moutawakilou, Adama, Faïzou, Bachirou,
        Latif, Nourou, Rachidou, Tchadjobo, Lardja, Yendoubé, Kanfitine, Yentchabré, Dindiogue, Nambou,
        Yempabou, Lamine, Bindame, Damitoni, Abdoulaye, Ibrahim, Moussa, Aboubakar, Idrissou, Alassane,
        Mamadou, Oumarou, Souleymane, Fousséni, Salifou, Yacoubou, Hamidou, Taïrou, Essossolam, Kodjo""");
    static final String[] TG_NORTH_F = list("""
        Essohana, Massama, Essoyomewè, Pidassa, Akla, Hèzouwè, Kassouwè, Mazalo, Essossimna, Lidawa,
        Safiatou, Rahamatou, Mariama, Latifatou, Nafissatou, Zalia, Mounirath, Fousséna, Rabiatou,
        Hamdiyatou, Poyabe, Yendoumi, Lardjatou, Kandiéma, Bilakani, Yentéma, Mintoba, Nagnango, Tiyaba,
        Aminata, Fatoumata, Aïcha, Zeinabou, Hadiza, Rakia, Hawa, Salamatou, Balkissa, Fati, Habiba,
        Essowèdéou, Pouwèréou, Awa, Zénabou, Alimatou, Rachidatou""");

    // ---- Cameroon
    static final String[] CM_BETI = list("""
        Atangana, Mbarga, Ateba, Essomba, Manga, Owona, Onana, Ndongo, Mvondo, Ayissi, Fouda, Messi, Nkoulou,
        Abena, Abega, Awono, Belinga, Bella, Edzoa, Effa, Etoundi, Eyenga, Mballa, Mbida, Meka, Minkoulou,
        Nanga, Ngono, Ngoa, Nkolo, Noah, Nomo, Ntsama, Obama, Olinga, Omgba, Ondoa, Tsala, Zambo, Zang, Zé,
        Ekani, Ella, Essama, Essono, Eyebe, Abolo, Amougou, Bekono, Mvogo, Nguini, Obele, Okala, Ongolo,
        Mengue, Ngah, Nkodo, Atemengue, Ebogo, Edima, Ekomo, Eto'o, Ondobo, Mebenga, Engolo, Assiga, Otele,
        Bilo'o, Ndzana, Mekongo, Ebanda, Elono, Evina, Bidzogo, Tsanga, Nkada, Mbeza, Ovono, Onguene""");
    static final String[] CM_BAMILEKE = list("""
        Fotso, Kamga, Kamdem, Tchoua, Djoumessi, Fokou, Kengne, Kenfack, Kouam, Nana, Ngassa, Nguefack,
        Tchatchoua, Tchinda, Tagne, Takam, Talla, Wamba, Djomo, Foka, Fongang, Kuate, Njike, Simo,
        Tchakounte, Feudjio, Fotsing, Kemajou, Kenmogne, Noumbissi, Pokam, Sime, Tientcheu, Wandji, Zebaze,
        Nganou, Ngameni, Djeukam, Defo, Dongmo, Fogue, Kamto, Kana, Lontsi, Meli, Nanfack, Siewe, Tsafack,
        Tchokonte, Youmbi, Tamo, Tchuente, Sonkeng, Nkamgang, Ngoufack, Tchouta, Njoya, Mfout, Mbouombouo,
        Nchare, Kwemo, Domgue, Moyo, Kammogne, Tchakoute, Djiofack, Fomekong""");
    static final String[] CM_DUALA = list("""
        Ekwalla, Ekambi, Doumbe, Dika, Bell, Din, Ebele, Epee, Kotto, Kingue, Moukoko, Mouelle, Ndoumbe,
        Ngando, Njo, Priso, Same, Tokoto, Ewane, Mpondo, Etame, Mbella, Elame, Eboa, Essaka, Kwedi, Njanga,
        Ekoka, Moume, Ndedi, Lobe, Ebongue, Kange, Ngosso, Akwa, Mbape""");
    static final String[] CM_BASSA = list("""
        Bilong, Ndjock, Mbock, Nyobe, Makon, Biyong, Mbog, Yebga, Bassong, Manguele, Songue, Hiag, Lipem,
        Nlend, Ngue, Bikai, Mbeng, Ndjeng, Kal, Bayiha, Nkot, Libam, Ngan, Bassogog, Tjeck, Sombo, Makang""");
    static final String[] CM_NORTH = list("""
        Aboubakar, Adamou, Ahmadou, Bello, Bouba, Daouda, Hamadou, Hayatou, Issa, Mohamadou, Moussa, Oumarou,
        Saidou, Yaya, Haman, Abdoulaye, Amadou, Djibrilla, Garba, Alioum, Mal, Ibrahim, Sali, Babba,
        Ousmanou, Souley, Halilou, Modibo, Dairou, Bakary""");
    static final String[] CM_ANGLO = list("""
        Fru, Tabi, Ngwa, Tanyi, Tambe, Ashu, Ayuk, Enow, Besong, Ebai, Tabe, Agbor, Arrey, Egbe, Nkwenti,
        Ndifor, Ngu, Che, Nfor, Neba, Awah, Achu, Fon, Ngwang, Tita, Nkeng, Ebot, Ojong, Mbah, Ndi, Suh,
        Wirba, Njang""");
    static final String[] CM_ANGLO_M = list("""
        Emmanuel, Divine, Collins, Desmond, Wilfred, Kingsley, Ebenezer, Valentine, Godwill, Bright, Ernest,
        Terence, Nelson, Bertrand, Elvis, Derick, Lionel, Clinton, Nkwain, Akwo""");
    static final String[] CM_ANGLO_F = list("""
        Blessing, Precious, Comfort, Glory, Prudence, Mercy, Faith, Patience, Joy, Gladys, Doris, Brenda,
        Vivian, Irene, Relindis, Bih, Ngum, Lum, Enanga, Delphine""");
    static final String[] CM_NORTH_M = list("""
        Oumarou, Adamou, Moussa, Hamadou, Aboubakar, Bouba, Saidou, Ahmadou, Alim, Djibrilla, Abdoulaye,
        Issa, Yaya, Ousmanou, Mohamadou, Souleymanou, Ibrahima, Hayatou, Amadou, Bello, Alhadji, Abba""");
    static final String[] CM_NORTH_F = list("""
        Aminatou, Hadidja, Fadimatou, Aissatou, Ramatou, Hawaou, Djenabou, Mairamou, Halimatou, Adama, Asta,
        Salamatou, Zeinabou, Oumou, Hapsatou, Bintou, Kaltoumi, Maimouna""");

    // ---- Morocco (Latin = Arabic)
    static final String[] MA_M = arabicList("""
        Mohamed=محمد, Ahmed=أحمد, Youssef=يوسف, Abdellah=عبد الله, Hassan=حسن, Mustapha=مصطفى, Rachid=رشيد,
        Said=سعيد, Omar=عمر, Khalid=خالد, Abdelkader=عبد القادر, Mohamed Amine=محمد أمين, Brahim=إبراهيم,
        Hamza=حمزة, Karim=كريم, Abderrahim=عبد الرحيم, Abderrahmane=عبد الرحمن, Abdelaziz=عبد العزيز,
        Abdelali=عبد العالي, Abdelilah=عبد الإله, Abdelhak=عبد الحق, Abdelhamid=عبد الحميد, Abdeljalil=عبد الجليل,
        Abdellatif=عبد اللطيف, Abdelmajid=عبد المجيد, Abdelouahed=عبد الواحد, Abdessamad=عبد الصمد,
        Abdeslam=عبد السلام, Abdelghani=عبد الغني, Abdelfattah=عبد الفتاح, Abdelkrim=عبد الكريم, Adil=عادل,
        Amine=أمين, Anas=أنس, Anouar=أنور, Ayoub=أيوب, Aziz=عزيز, Badr=بدر, Bilal=بلال, Chakib=شكيب,
        Driss=إدريس, Fouad=فؤاد, Faycal=فيصل, Ghali=غالي, Hafid=حفيظ, Hamid=حميد, Hatim=حاتم, Hicham=هشام,
        Houssine=حسين, Hussein=حسين, Ilyas=إلياس, Imad=عماد, Ismaïl=إسماعيل, Issam=عصام, Jalal=جلال, Jamal=جمال,
        Jawad=جواد, Kamal=كمال, Lahcen=لحسن, Larbi=العربي, Mbarek=امبارك, Mehdi=المهدي, Marouane=مروان,
        Mohcine=محسن, Mounir=منير, Mourad=مراد, Nabil=نبيل, Nizar=نزار, Noureddine=نور الدين, Othmane=عثمان,
        Oussama=أسامة, Rayane=ريان, Reda=رضا, Redouane=رضوان, Saad=سعد, Salah=صلاح, Samir=سمير,
        Soufiane=سفيان, Tarik=طارق, Taoufik=توفيق, Tayeb=الطيب, Walid=وليد, Yahya=يحيى, Yassine=ياسين,
        Yasser=ياسر, Younes=يونس, Zakaria=زكرياء, Zouhair=زهير, Ali=علي, Aissa=عيسى, Boujemaa=بوجمعة,
        Idriss=إدريس, Malik=مالك, Naim=نعيم, Hakim=حكيم, Latif=لطيف, Moulay Ahmed=مولاي أحمد,
        Mohamed Ali=محمد علي, Mohamed Reda=محمد رضا, Abdelmalek=عبد المالك, Azzedine=عز الدين,
        Badreddine=بدر الدين, Nasser=ناصر, Adnane=عدنان, Aymane=أيمن, Sami=سامي, Zaid=زيد, Lhoussaine=الحسين,
        Mokhtar=المختار, Miloud=الميلود, Bouchaib=بوشعيب, Mhamed=امحمد, Jilali=الجيلالي, Abdelhadi=عبد الهادي,
        Abdelouahab=عبد الوهاب, Abdennour=عبد النور, Wadie=وديع, Saïd=سعيد, Mohammed=محمد""");
    static final String[] MA_F = arabicList("""
        Fatima=فاطمة, Khadija=خديجة, Fatima Zahra=فاطمة الزهراء, Aïcha=عائشة, Amina=أمينة, Naïma=نعيمة,
        Malika=مليكة, Zineb=زينب, Salma=سلمى, Meryem=مريم, Hanane=حنان, Fatiha=فتيحة, Hajar=هاجر, Houda=هدى,
        Imane=إيمان, Ikram=إكرام, Karima=كريمة, Latifa=لطيفة, Laila=ليلى, Loubna=لبنى, Mouna=منى, Nadia=نادية,
        Najat=نجاة, Nawal=نوال, Nezha=نزهة, Rachida=رشيدة, Saïda=سعيدة, Samira=سميرة, Siham=سهام, Souad=سعاد,
        Soukaina=سكينة, Wafae=وفاء, Yasmine=ياسمين, Zahra=زهرة, Zohra=الزهرة, Asmaa=أسماء, Btissam=ابتسام,
        Chaimae=شيماء, Douae=دعاء, Ghizlane=غزلان, Hafsa=حفصة, Hind=هند, Ilham=إلهام, Jamila=جميلة,
        Kawtar=كوثر, Khaoula=خولة, Majda=ماجدة, Nisrine=نسرين, Oumaima=أميمة, Rim=ريم, Sanae=سناء, Sara=سارة,
        Safae=صفاء, Hasna=حسناء, Amal=أمل, Bouchra=بشرى, Hayat=حياة, Rajae=رجاء, Touria=ثريا, Zakia=زكية,
        Fadoua=فدوى, Hakima=حكيمة, Halima=حليمة, Ibtissam=ابتسام, Malak=ملاك, Nour=نور, Noura=نورة,
        Rania=رانيا, Widad=وداد, Aziza=عزيزة, Nabila=نبيلة, Yamina=يمينة, Mina=مينة, Rkia=رقية,
        Mbarka=امباركة, Fettouma=فطومة, Hiba=هبة, Marwa=مروة, Aya=آية, Lina=لينا, Ghita=غيثة, Kenza=كنزة,
        Sofia=صوفيا, Inès=إيناس, Manal=منال, Saloua=سلوى, Samia=سامية, Jihane=جيهان, Fatna=فاطنة,
        Habiba=حبيبة, Zoubida=زبيدة, Adila=عادلة, Lamia=لمياء, Wiam=وئام, Yousra=يسرى, Narjiss=نرجس,
        Najoua=نجوى, Fatima Ezzahra=فاطمة الزهراء""");
    static final String[] MA_FAMILY = arabicList("""
        Alaoui=العلوي, El Idrissi=الإدريسي, Benjelloun=بنجلون, Bennani=بناني, El Amrani=العمراني, Tazi=التازي,
        Berrada=برادة, El Fassi=الفاسي, Chraibi=الشرايبي, Lahlou=لحلو, Cherkaoui=الشرقاوي, Ouazzani=الوزاني,
        Idrissi=الإدريسي, Lamrani=العمراني, El Alaoui=العلوي, Fassi Fihri=الفاسي الفهري, Sqalli=الصقلي,
        Guessous=كسوس, Benkirane=بنكيران, Bensouda=بنسودة, Kettani=الكتاني, Benslimane=بنسليمان,
        Benmoussa=بنموسى, Bouzidi=البوزيدي, El Ouali=الوالي, Ziani=الزياني, Rami=رامي, Kabbaj=القباج,
        Laraki=العراقي, Sebti=السبتي, Mernissi=المرنيسي, Naciri=الناصري, Saadi=السعدي, Tahiri=الطاهري,
        Touzani=التوزاني, Filali=الفيلالي, Hajji=الحجي, Haddad=الحداد, Hamdaoui=الحمداوي, Jabri=الجابري,
        Lazrak=الأزرق, Mansouri=المنصوري, El Mansouri=المنصوري, Marzouki=المرزوقي, Moussaoui=الموساوي,
        Naji=ناجي, Rahmouni=الرحموني, Rachidi=الرشيدي, Sefrioui=الصفريوي, Slaoui=السلاوي, Taibi=الطيبي,
        Tounsi=التونسي, Zouiten=زويتن, Ait Ahmed=آيت أحمد, Ait Ali=آيت علي, Ait Brahim=آيت إبراهيم,
        Ait Lahcen=آيت لحسن, Ait Taleb=آيت الطالب, Ait Said=آيت سعيد, Ait Hammou=آيت حمو, Ouahbi=وهبي,
        Aouad=عواد, Azzouzi=العزوزي, Benali=بنعلي, Benabdellah=بنعبد الله, Benaissa=بنعيسى, Benhaddou=بنحدو,
        Benomar=بنعمر, Benyahia=بنيحيى, Boukili=بوكيلي, Boutaleb=بوطالب, Chafik=شفيق, Chakir=شاكر,
        Chami=الشامي, Chaoui=الشاوي, Daoudi=الداودي, Doukkali=الدكالي, El Baz=الباز, El Bakkali=البقالي,
        El Hachimi=الهاشمي, El Hassani=الحسني, El Khatib=الخطيب, El Ouazzani=الوزاني, Ennaji=الناجي,
        Essaidi=السعيدي, Fathi=فتحي, Ghazi=غازي, Hakimi=الحكيمي, Hamidi=الحميدي, Hilali=الهلالي,
        Hassouni=الحسوني, Jaafari=الجعفري, Jamai=الجامعي, Kadiri=القادري, Karimi=الكريمي, Khattabi=الخطابي,
        Lahrichi=الحريشي, Lamghari=المغاري, Maghraoui=المغراوي, Mekouar=مكوار, Mouline=مولين, Mrabet=المرابط,
        Ouadghiri=الودغيري, Sabri=صبري, Salhi=الصالحي, Sbai=السباعي, Skalli=الصقلي, Soussi=السوسي,
        Yacoubi=اليعقوبي, Yousfi=اليوسفي, Zaki=زكي, Zerouali=الزروالي, Zniber=زنيبر, Benchekroun=بنشقرون,
        Lahbabi=الحبابي, Bensaid=بنسعيد, Bouabdellah=بوعبد الله, Britel=بريطل, Cherradi=الشرادي,
        Dahbi=الذهبي, Derkaoui=الدرقاوي, Drissi=الدريسي, El Azhari=الأزهري, Fikri=فكري, Gharbi=الغربي,
        Hachimi=الهاشمي, Mekki=المكي, Meziane=مزيان, Omari=العمري, Regragui=الركراكي, Sahli=السهلي,
        Semlali=السملالي, Zemmouri=الزموري, Zahidi=الزاهدي, Bakkali=البقالي, Belhaj=بلحاج, Belkadi=بلقاضي,
        Belghiti=بلغيتي, Bouazzaoui=البوعزاوي, Boukhari=البخاري, El Yousfi=اليوسفي, El Mokhtari=المختاري,
        Fadili=الفاضلي, Ghallab=غلاب, Harti=الحارثي, Jazouli=الجزولي, Kasri=القصري, Kharbouch=خربوش,
        Lakhdar=الأخضر, Machkour=مشكور, Mahjoubi=المحجوبي, Naimi=النعيمي, Ouchen=أوشن, Raissouni=الريسوني,
        Rifi=الريفي, Saidi=السعيدي, Sahraoui=الصحراوي, Sounni=السني, Tijani=التجاني, Toumi=التومي,
        Zaidi=الزايدي, Zeroual=زروال, Akesbi=أكسبي, Amar=عمار, Amzil=أمزيل, Aouragh=أوراغ,
        Arbaoui=العرباوي, Ayouch=عيوش, Bahri=البحري, Benabbou=بنعبو, Benamar=بنعمر, Benhima=بنهيمة,
        Bouayad=بوعياد, Boussaid=بوسعيد, Chaouki=شوقي, Chentouf=شنتوف, El Fellah=الفلاح,
        El Ghazouani=الغزواني, El Jirari=الجراري, El Khalfi=الخلفي, El Malki=المالكي, El Othmani=العثماني,
        Essafi=الصافي, Fennich=فنيش, Guerraoui=الكراوي, Hamdouchi=الحمدوشي, Harakat=حركات, Jebli=الجبلي,
        Kadmiri=القدميري, Kasmi=القاسمي, Mazouz=مزوز, Mejdoubi=المجدوبي, Messaoudi=المسعودي,
        Mountassir=المنتصر, Nejjar=النجار, Ouarzazi=الورزازي, Rhazi=الرازي, Sabir=صابر, Sekkat=السقاط,
        Serghini=السرغيني, Tadlaoui=التادلاوي, Zemrani=الزمراني, Zeriouh=زريوح, Alami=العلمي,
        El Alami=العلمي, Benmansour=بنمنصور, Bennis=بنيس, Bennouna=بنونة, Ibrahimi=الإبراهيمي,
        Kharroubi=الخروبي, Ouardi=الوردي, Rachdi=الرشدي, Touhami=التهامي, El Ayadi=العيادي, Lalami=العلمي""");

    /** Names that are El + a word beginning with a vowel, written as one (Lamrani = El Amrani). */
    static final Map<String, String> L_ARTICLE = Map.of("Lamrani", "Amrani", "Lalami", "Alami", "Laraki", "Araki",
        "Lazrak", "Azrak", "Lakhdar", "Akhdar");
    /** Ben + name written as one word. */
    static final List<String> BEN = List.of("Benjelloun", "Benkirane", "Bensouda", "Benslimane", "Benmoussa",
        "Benabdellah", "Benaissa", "Benali", "Benhaddou", "Benomar", "Benyahia", "Benchekroun", "Bensaid",
        "Benabbou", "Benamar", "Benhima", "Benmansour");

    /** Spellings of one name that registers see (transliteration). */
    static final Map<String, String[]> VARIANTS = pairs(
        "Mohamed", "Mohammed, Mouhamed, Muhammad, Mohamad, Mhamed, Mohammad",
        "Mohammed", "Mohamed, Mouhamed, Muhammad, Mohamad",
        "Ahmed", "Ahmad, Ahmet",
        "Youssef", "Youssouf, Yusuf, Youcef, Yousef, Youssif",
        "Hassan", "Hasan, Hassane, Hacen",
        "Hussein", "Houssine, Hussain, Houcine, Husein",
        "Houssine", "Hussein, Houcine, Lhoussine, Hussain",
        "Abdellah", "Abdallah, Abdullah, Abdelah",
        "Abderrahmane", "Abderrahman, Abdurrahman, Abderahmane, Abdel Rahman",
        "Abdelkader", "Abdelkadir, Abdulkader, Abdelqader, Abdelkadeur",
        "Khalid", "Khaled, Kaled, Khalide",
        "Rachid", "Rashid, Rachide, Rasheed",
        "Aïcha", "Aicha, Aisha, Aysha, Aïsha",
        "Khadija", "Khadidja, Kadija, Khadeeja, Khedija",
        "Fatima", "Fatma, Fatema, Fatimah",
        "Fatima Zahra", "Fatima Zohra, Fatima Ezzahra, Fatima Zehra",
        "Zineb", "Zaynab, Zainab, Zeineb, Zinab",
        "Meryem", "Maryam, Mariem, Meriem, Maryem",
        "Said", "Saïd, Saeed, Sayid",
        "Saïd", "Said, Saeed, Sayid",
        "Omar", "Omer, Umar, Oumar",
        "Othmane", "Othman, Osman, Outhmane, Otmane",
        "Ismaïl", "Ismail, Smail, Ismael, Esmail",
        "Soufiane", "Sofiane, Sufyan, Soufyane",
        "Tarik", "Tarek, Tariq",
        "Taoufik", "Tawfiq, Toufik, Taoufiq",
        "Zakaria", "Zakariya, Zakariae, Zacharia, Zakariyae",
        "Yassine", "Yacine, Yasin, Yassin",
        "Younes", "Younès, Yunus, Younis, Younesse",
        "Mustapha", "Mustafa, Moustapha, Mostafa",
        "Noureddine", "Nourredine, Nour Eddine, Nureddine, Nourdine",
        "Driss", "Idriss, Idris",
        "Brahim", "Ibrahim, Brahime",
        "Hicham", "Hisham, Hichame",
        "Redouane", "Ridouane, Radouane, Redwan",
        "Lahcen", "Lahsen, Lahssen",
        "Houda", "Hoda, Huda",
        "Naïma", "Naima, Naeema",
        "Imane", "Iman, Imen",
        "Hanane", "Hanan",
        "Souad", "Suad, Souade",
        "Nawal", "Naoual, Nawel",
        "Wafae", "Wafa, Ouafae, Wafaa",
        "Chaimae", "Chaima, Chaymae, Shaimaa",
        "Ghizlane", "Ghizlan, Ghislane, Rhizlane",
        "Kawtar", "Kaoutar, Kawthar",
        "Khaoula", "Khawla, Kaoula",
        "Oumaima", "Oumayma, Umaima",
        "Soukaina", "Soukayna, Sukaina, Soukaïna",
        "Siham", "Sihame, Seham",
        "Asmaa", "Asma, Esmaa",
        "Btissam", "Ibtissam, Btissame",
        "Loubna", "Lubna",
        "Jamal", "Djamal, Gamal",
        "Mehdi", "Mahdi, El Mehdi",
        "Mourad", "Murad, Morad",
        "Kamal", "Kamel",
        "Adil", "Adel, Aadil",
        "Amine", "Amin, Ameen",
        "Anouar", "Anwar, Anour",
        "Ayoub", "Ayyoub, Ayub",
        "Faycal", "Fayçal, Faisal, Fayssal",
        "Yasser", "Yassir, Yasir",
        "Walid", "Oualid, Waleed",
        "Zouhair", "Zouheir, Zuhair",
        "Sara", "Sarah",
        "Sanae", "Sana, Sanaa",
        "Safae", "Safa, Safaa",
        "Rajae", "Raja, Rajaa",
        "Bouchra", "Bushra, Boushra",
        "Alaoui", "Alawi, Alaoi",
        "Benjelloun", "Benjeloun, Bendjelloun",
        "Bennani", "Benani, Bennany",
        "Berrada", "Berada, Barrada",
        "Chraibi", "Chraïbi, Cheraibi",
        "Sqalli", "Skalli, Sekkali",
        "Skalli", "Sqalli, Skali",
        "Guessous", "Gassous, Guessouss",
        "Kettani", "Kattani, Ketani, Kittani",
        "Idrissi", "Drissi, Idrissy, Edrissi",
        "Ouazzani", "Wazzani, Ouazani",
        "Cherkaoui", "Charkaoui, Cherqaoui, Sharqawi",
        "Kabbaj", "Kabaj, Qabbaj",
        "Laraki", "Laraqui, Iraqi",
        "Naciri", "Nasiri, Nassiri",
        "Tahiri", "Taheri",
        "Hajji", "Haji, Hadji",
        "Moussaoui", "Moussawi, Mousaoui",
        "Rachidi", "Rashidi",
        "Taibi", "Tayebi, Taïbi",
        "Doukkali", "Doukali, Dukkali",
        "Hachimi", "Hashimi, Hachemi",
        "El Hachimi", "El Hashimi, El Hachemi",
        "Khattabi", "Khatabi, Kattabi",
        "Yacoubi", "Yakoubi, Yaakoubi",
        "Yousfi", "Youssfi, Yusfi",
        "Zerouali", "Zeroualli, Zerwali",
        "Regragui", "Rgragui, Regraguy",
        "Ouadghiri", "Wadghiri, Oudghiri",
        "Saadi", "Saâdi, Sadi",
        "Quashie", "Kwashie, Quachie",
        "Mensah", "Mensa, Menssah",
        "Amouzou", "Amuzu, Amouzu",
        "Agbodjan", "Agbojan",
        "Adjavon", "Ajavon",
        "Kpodar", "Kpodah");

    /** Short forms and nicknames. */
    static final Map<String, String[]> NICK = pairs(
        "Mohamed", "Simo, Moha", "Mohammed", "Simo, Moha", "Abdelkader", "Kader", "Abdellah", "Abdou",
        "Abdelaziz", "Aziz", "Abdelhamid", "Hamid", "Abdellatif", "Latif", "Abdelmajid", "Majid",
        "Abdessamad", "Samad", "Abdelkrim", "Karim, Krimo", "Abderrahim", "Rahim", "Abdelghani", "Ghani",
        "Abdelfattah", "Fattah", "Abdeljalil", "Jalil", "Noureddine", "Nour", "Fatima", "Fati, Fatna",
        "Karim", "Krimo", "Ibrahim", "Ibra", "Aboubakar", "Abou, Boubakar", "Abdoulaye", "Abdou",
        "Emmanuel", "Manu", "Christophe", "Chris", "Gabriel", "Gaby", "Théophile", "Théo", "Dieudonné", "Dieudo",
        "Innocent", "Inno", "Raphaël", "Raph", "Jacqueline", "Jacky", "Élisabeth", "Élise, Babette",
        "Joséphine", "Josy", "Aminatou", "Amina", "Fatimatou", "Fati", "Ousmanou", "Ousmane",
        "Kodjovi", "Kodjo", "Kossivi", "Kossi", "Komlavi", "Komlan", "Yawovi", "Yao", "Essozimna", "Esso",
        "Essowè", "Esso", "Essodina", "Esso", "Patrick", "Pat", "Sébastien", "Seb", "Nathalie", "Nath",
        "Alexandre", "Alex", "Christelle", "Christy", "Bienvenu", "Bienve", "Fidèle", "Fifi");

    /** Twin names: sexes, first, second (look-alikes that registries confuse). */
    static final String[][] TWINS_TG = {{"MM", "Atsu", "Etse"}, {"MM", "Jean-Paul", "Jean-Pierre"},
        {"MM", "Mawuli", "Mawuena"}, {"FF", "Marie-Claire", "Marie-Christine"}, {"FF", "Christelle", "Christiane"},
        {"FF", "Élise", "Éliane"}, {"FF", "Esther", "Estelle"}};
    static final String[][] TWINS_CM = {{"MF", "Christian", "Christiane"}, {"MF", "Francis", "Francine"},
        {"MF", "Joseph", "Joséphine"}, {"MF", "Emmanuel", "Emmanuella"}, {"MF", "Daniel", "Danielle"},
        {"MF", "Michel", "Michèle"}, {"MF", "Paul", "Pauline"}, {"MF", "Jean", "Jeanne"},
        {"MM", "Jean-Pierre", "Jean-Paul"}, {"MM", "Christian", "Christophe"}, {"MM", "Landry", "Laurent"},
        {"FF", "Marie-Claire", "Marie-Christine"}, {"FF", "Christelle", "Christiane"}};
    static final String[][] TWINS_MA = {{"MF", "Yassine", "Yasmine"}, {"MF", "Karim", "Karima"},
        {"MF", "Said", "Saïda"}, {"MF", "Jamal", "Jamila"}, {"MF", "Amine", "Amina"}, {"MF", "Nabil", "Nabila"},
        {"MF", "Rachid", "Rachida"}, {"MF", "Samir", "Samira"}, {"MF", "Aziz", "Aziza"}, {"MF", "Malik", "Malika"},
        {"MF", "Adil", "Adila"}, {"MF", "Hakim", "Hakima"}, {"MF", "Latif", "Latifa"}, {"MF", "Naim", "Naïma"},
        {"MM", "Hassan", "Hussein"}, {"MM", "Hassan", "Houssine"}, {"MM", "Mohamed", "Ahmed"},
        {"MM", "Ilyas", "Yassine"}, {"MM", "Anas", "Ayoub"}, {"MM", "Hamza", "Hamid"}, {"FF", "Hiba", "Hind"},
        {"FF", "Ikram", "Ilham"}, {"FF", "Nour", "Noura"}, {"FF", "Salma", "Samia"}, {"FF", "Sanae", "Safae"},
        {"FF", "Rim", "Rania"}};

    static final Map<String, String[]> LANDMARKS = pairs(
        "TG", "la pharmacie du Boulevard, la pharmacie Sainte-Rita, la pharmacie Bon Secours, l'église catholique,"
            + " l'EPP {d}, la mosquée, le marché de {d}, la station Total, le CEG {d}, l'USP {d}, le terrain de foot,"
            + " le château d'eau, la gendarmerie, les Assemblées de Dieu, le CMS {d}, la cabine Togocel",
        "CM", "la chapelle, le lycée bilingue, l'école publique, la boulangerie, le marché, la station Total,"
            + " Tradex, la pharmacie, le collège, la chefferie, l'église presbytérienne, la mosquée,"
            + " le centre de santé, le carrefour {d}, le stade",
        "MA", "la mosquée, l'école, le hammam, le souk, la pharmacie");
    static final String[] MA_STREETS = list("""
        Ibn Sina, Ibn Battouta, Mohammed V, Hassan II, Al Massira, Oued Sebou, Al Fourat, Moulay Ismail,
        Tarik Ibn Ziad, Abou Bakr Seddik, des FAR, Zerktouni, Allal El Fassi, Al Qods, Bir Anzarane,
        Abdelkrim Khattabi, Moulay Youssef, Ibn Khaldoun, Al Andalous, Annakhil, Oued Ziz, Al Moutanabbi""");
    static final String[] MA_RESIDENCES = list("""
        Al Amal, Al Wifaq, Nour, Al Manar, Yasmine, Riad, Al Boustane, Anfa, Les Orangers, Al Qods, Essalam,
        Al Firdaous, Ennakhil, Al Majd""");

    static void cities(Country c, String block) {
      String[] e = list(block);
      c.cities = new String[e.length];
      c.cityWeights = new double[e.length];
      for (int i = 0; i < e.length; i++) {
        String[] kv = e[i].split(":");
        c.cities[i] = kv[0].strip();
        c.cityWeights[i] = Double.parseDouble(kv[1].strip());
        c.cityTotal += c.cityWeights[i];
      }
    }

    static void regions(Country c, String region, String citiesList) {
      for (String city : list(citiesList)) c.regionOf.put(city, region);
    }

    static Country togo() {
      Country c = new Country();
      c.code = "TG";
      c.index = 0;
      c.dial = "228";
      c.family.put("south", TG_SOUTH_FAMILY);
      c.family.put("north", TG_NORTH_FAMILY);
      c.givenByGroupM.put("south", TG_EWE_M);
      c.givenByGroupF.put("south", TG_EWE_F);
      c.givenByGroupM.put("north", TG_NORTH_M);
      c.givenByGroupF.put("north", TG_NORTH_F);
      c.wifeTakesName = 0.45;
      c.presumedShare = 0.10;
      cities(c, """
          Lomé:45, Sokodé:6, Kara:6, Kpalimé:5, Atakpamé:4, Tsévié:4, Aného:3, Dapaong:4, Bassar:2, Mango:2,
          Notsé:2, Tchamba:1, Vogan:2, Badou:1, Sotouboua:1, Niamtougou:1, Bafilo:1, Kandé:1, Blitta:1,
          Tabligbo:2, Amlamé:1, Kévé:1, Agou:1, Cinkassé:1, Anié:1, Agbodrafo:1""");
      regions(c, "north", "Sokodé, Kara, Dapaong, Bassar, Mango, Tchamba, Sotouboua, Niamtougou, Bafilo, Kandé, Blitta, Cinkassé");
      regions(c, "lome", "Lomé");
      c.defaultRegion = "south";
      c.groupWeights.put("south", new double[] {92, 8});
      c.groupWeights.put("lome", new double[] {78, 22});
      c.groupWeights.put("north", new double[] {10, 90});
      c.districts.put("Lomé", list("""
          Tokoin, Bè, Adidogomé, Agoè, Nyékonakpoè, Hédzranawoé, Kodjoviakopé, Amoutivé, Adakpamé, Baguida,
          Djidjolé, Kégué, Avédji, Bè-Kpota, Akodésséwa, Agbalépédogan, Adéwui, Totsi, Wuiti, Aflao Gakli,
          Légbassito, Zanguéra, Sagbado, Démakpoè, Cacavéli, Attiégou, Ablogamé, Hanoukopé, Doumassessé"""));
      c.districts.put("Sokodé", list("Komah, Kpangalam, Didaouré, Kouloundè, Zongo, Tchawanda"));
      c.districts.put("Kara", list("Tomdè, Kpéwa, Lama, Dongoyo, Kara-Sud, Chaminade, Kamboli"));
      c.districts.put("Kpalimé", list("Nyivémé, Hanyigba, Kpodzi, Zongo, Agomé"));
      c.districts.put("Dapaong", list("Nassablé, Kantindi, Zongo, Worgou, Tantigou"));
      c.otherDistricts = list("Zongo, Centre-ville, Quartier Administratif, Quartier Marché, Quartier Gare, Quartier Nord, Quartier Sud, Château d'eau");
      return c;
    }

    static Country cameroon() {
      Country c = new Country();
      c.code = "CM";
      c.index = 1;
      c.dial = "237";
      c.family.put("beti", CM_BETI);
      c.family.put("bamileke", CM_BAMILEKE);
      c.family.put("duala", CM_DUALA);
      c.family.put("bassa", CM_BASSA);
      c.family.put("north", CM_NORTH);
      c.family.put("anglo", CM_ANGLO);
      for (String g : c.family.keySet()) {
        c.givenByGroupM.put(g, FRENCH_M);
        c.givenByGroupF.put(g, FRENCH_F);
      }
      c.givenByGroupM.put("north", CM_NORTH_M);
      c.givenByGroupF.put("north", CM_NORTH_F);
      c.givenByGroupM.put("anglo", CM_ANGLO_M);
      c.givenByGroupF.put("anglo", CM_ANGLO_F);
      c.wifeTakesName = 0.35;
      c.presumedShare = 0.08;
      cities(c, """
          Yaoundé:28, Douala:28, Bafoussam:5, Garoua:5, Maroua:5, Bamenda:5, Ngaoundéré:3, Bertoua:2, Kumba:2,
          Nkongsamba:2, Buea:2, Edéa:2, Kribi:1, Limbé:2, Ebolowa:1, Dschang:2, Foumban:2, Mbalmayo:1,
          Sangmélima:1, Kousséri:1, Meiganga:1, Bafang:1, Mbouda:1, Bangangté:1, Obala:1, Batouri:1, Tiko:1,
          Guider:1, Mokolo:1, Yagoua:1, Mbanga:1, Loum:1, Akonolinga:1, Eséka:1, Abong-Mbang:1""");
      regions(c, "north", "Garoua, Maroua, Ngaoundéré, Kousséri, Meiganga, Guider, Mokolo, Yagoua");
      regions(c, "west", "Bafoussam, Dschang, Foumban, Bafang, Mbouda, Bangangté");
      regions(c, "anglo", "Bamenda, Kumba, Buea, Limbé, Tiko");
      regions(c, "littoral", "Douala, Nkongsamba, Edéa, Mbanga, Loum");
      regions(c, "east", "Bertoua, Batouri, Abong-Mbang");
      c.defaultRegion = "centre";
      // weights over beti, bamileke, duala, bassa, north, anglo
      c.groupWeights.put("centre", new double[] {55, 20, 3, 12, 5, 5});
      c.groupWeights.put("littoral", new double[] {12, 40, 22, 16, 5, 5});
      c.groupWeights.put("west", new double[] {3, 90, 1, 1, 3, 2});
      c.groupWeights.put("north", new double[] {5, 8, 1, 1, 83, 2});
      c.groupWeights.put("anglo", new double[] {3, 15, 2, 2, 3, 75});
      c.groupWeights.put("east", new double[] {45, 20, 2, 5, 20, 8});
      c.districts.put("Yaoundé", list("""
          Mvog-Mbi, Mvog-Ada, Essos, Mokolo, Biyem-Assi, Nkolbisson, Emana, Bastos, Nlongkak, Etoudi, Mimboman,
          Ekounou, Nkoldongo, Obili, Melen, Mendong, Nsam, Efoulan, Ngoa-Ekellé, Elig-Edzoa, Tsinga, Odza,
          Nkolmesseng, Olembe, Mvan"""));
      c.districts.put("Douala", list("""
          Akwa, Bonapriso, Bonanjo, Deïdo, Bépanda, New Bell, Makepe, Bonabéri, Logbaba, Ndokoti, Bonamoussadi,
          Kotto, Ndogbong, Nyalla, Bali, Bessengué, Cité des Palmiers, Logpom, PK8, Village, Yassa"""));
      c.districts.put("Bafoussam", list("Tamdja, Djeleng, Banengo, Kouogouo, Famla"));
      c.districts.put("Garoua", list("Roumdé Adjia, Yelwa, Poumpoumré, Djamboutou, Lopéré, Marouaré"));
      c.districts.put("Maroua", list("Domayo, Pitoaré, Dougoï, Kakataré, Founangué"));
      c.districts.put("Bamenda", list("Nkwen, Mankon, Up Station, Ntarinkon, Mile 4, Bambui"));
      c.otherDistricts = list("Centre commercial, Quartier Administratif, Quartier Haoussa, Briqueterie, Mission catholique, Nouvelle Route, Plateau, Gare routière");
      return c;
    }

    static Country morocco() {
      Country c = new Country();
      c.code = "MA";
      c.index = 2;
      c.dial = "212";
      c.givenM = MA_M;
      c.givenF = MA_F;
      c.family.put("ma", MA_FAMILY);
      c.wifeTakesName = 0.08;
      c.presumedShare = 0.05;
      cities(c, """
          Casablanca:22, Rabat:7, Fès:8, Marrakech:7, Tanger:7, Agadir:5, Meknès:5, Oujda:4, Kénitra:4,
          Tétouan:3, Safi:3, El Jadida:2, Salé:5, Témara:2, Mohammédia:2, Béni Mellal:2, Nador:2, Khouribga:1,
          Settat:1, Berrechid:1, Khémisset:1, Taza:1, Larache:1, Ksar El Kébir:1, Guelmim:1, Errachidia:1,
          Ouarzazate:1, Essaouira:1, Taroudant:1, Tiznit:1, Al Hoceïma:1, Berkane:1, Laâyoune:1, Dakhla:1,
          Ifrane:1, Azrou:1, Sefrou:1, Chefchaouen:1""");
      c.defaultRegion = "ma";
      c.groupWeights.put("ma", new double[] {1});
      c.districts.put("Casablanca", list("""
          Maârif, Hay Hassani, Sidi Bernoussi, Aïn Chock, Aïn Sebaâ, Hay Mohammadi, Sidi Moumen, Ben M'Sick,
          Derb Sultan, Anfa, Oulfa, Bourgogne, Gauthier, Belvédère, Sbata, Roches Noires"""));
      c.districts.put("Rabat", list("Agdal, Hassan, Océan, Yacoub El Mansour, Youssoufia, Souissi, Akkari, Takaddoum, Hay Riad, Diour Jamaa"));
      c.districts.put("Fès", list("Médina, Fès Jdid, Saïss, Zouagha, Agdal, Narjiss, Ben Souda, Atlas"));
      c.districts.put("Marrakech", list("Guéliz, Médina, Daoudiate, M'Hamid, Sidi Youssef Ben Ali, Massira, Hivernage, Targa, Annakhil"));
      c.districts.put("Tanger", list("Beni Makada, Charf, Mesnana, Malabata, Marchan, Médina, Boukhalef"));
      c.districts.put("Salé", list("Tabriquet, Bettana, Hay Salam, Hay Karima, Sidi Moussa, Layayda"));
      c.districts.put("Agadir", list("Talborjt, Dakhla, Hay Mohammadi, Anza, Tikiouine, Founty"));
      c.districts.put("Meknès", list("Hamria, Médina, Marjane, Bassatine, Sidi Baba"));
      c.districts.put("Oujda", list("Lazaret, Al Qods, Sidi Maâfa, Hay Andalous"));
      c.otherDistricts = list("Hay Salam, Hay Al Amal, Hay Nahda, Centre-ville, Médina, Hay Hassani, Hay Mohammadi, Hay Al Qods, Hay Riad, Hay Al Massira, Hay Al Wahda");
      return c;
    }
  }
}
