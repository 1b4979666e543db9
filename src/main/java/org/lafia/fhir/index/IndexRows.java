package org.lafia.fhir.index;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The search values of one resource version, grouped by index table, ready to be copied in. */
public final class IndexRows {
  /** Digits a decimal may have before, and after, its point, stored or searched (see BodyCheck). */
  public static final int MAX_DECIMAL_DIGITS = 1000;

  /** Whether a decimal is within {@link #MAX_DECIMAL_DIGITS} on both sides of its point. */
  public static boolean decimalInBounds(BigDecimal d) {
    return d.scale() <= MAX_DECIMAL_DIGITS && (long) d.precision() - d.scale() <= MAX_DECIMAL_DIGITS;
  }

  public record Str(int sp, String norm, String exact, int grp) {}

  public record Token(int sp, String sys, String code, String text, int grp) {}

  public record Ref(int sp, String targetType, String targetId, int grp) {}

  public record DateRange(int sp, Instant lo, Instant hi, int grp) {}

  public record Num(int sp, BigDecimal value, int grp) {}

  public record Qty(int sp, String sys, String code, BigDecimal value, int grp) {}

  public record Uri(int sp, String uri, int grp) {}

  /**
   * The element the values being added come from: 0 under no repeating first element, i + 1 under
   * the i-th occurrence of a repeating one (Observation.component[i]), -1 unknown. Composite
   * searches match components only within one element.
   */
  public int grp = -1;

  public final List<Str> strings = new ArrayList<>();
  public final List<Token> tokens = new ArrayList<>();
  public final List<Ref> refs = new ArrayList<>();
  public final List<DateRange> dates = new ArrayList<>();
  public final List<Num> numbers = new ArrayList<>();
  public final List<Qty> quantities = new ArrayList<>();
  public final List<Uri> uris = new ArrayList<>();

  public int size() {
    return strings.size() + tokens.size() + refs.size() + dates.size() + numbers.size()
        + quantities.size() + uris.size();
  }
}
