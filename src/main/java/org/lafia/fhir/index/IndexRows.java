package org.lafia.fhir.index;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The search values of one resource version, grouped by index table, ready to be copied in. */
public final class IndexRows {
  public record Str(int sp, String norm, String exact) {}

  public record Token(int sp, String sys, String code, String text) {}

  public record Ref(int sp, String targetType, String targetId) {}

  public record DateRange(int sp, Instant lo, Instant hi) {}

  public record Num(int sp, BigDecimal value) {}

  public record Qty(int sp, String sys, String code, BigDecimal value) {}

  public record Uri(int sp, String uri) {}

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
