package org.lafia.fhir.store;

import java.math.BigDecimal;
import java.time.Instant;

/** Rows in PostgreSQL's COPY text format, escaped. */
final class CopyBuffer {
  private final StringBuilder sb = new StringBuilder(4096);
  private boolean lineStart = true;
  private int rows;

  CopyBuffer field(String s) {
    sep();
    if (s == null) {
      sb.append("\\N");
      return this;
    }
    int n = s.length();
    int first = 0;
    while (first < n) {
      char c = s.charAt(first);
      if (c == '\\' || c < 0x20) break;
      first++;
    }
    if (first == n) {
      sb.append(s); // one bulk copy: most values need no escaping
      return this;
    }
    boolean control = false;
    for (int i = first; i < n && !control; i++) control = s.charAt(i) < 0x20;
    if (!control) {
      // Stored JSON: backslashes (every escaped quote of a narrative) but no raw control characters.
      sb.append(s.replace("\\", "\\\\"));
      return this;
    }
    sb.append(s, 0, first);
    for (int i = first; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\0' -> {} // PostgreSQL text cannot hold NUL; the parser rejects it earlier anyway
        default -> sb.append(c); // other control characters are taken literally by COPY
      }
    }
    return this;
  }

  CopyBuffer field(Long v) {
    if (v == null) {
      sep();
      sb.append("\\N");
      return this;
    }
    return field(v.longValue());
  }

  CopyBuffer field(long v) {
    sep();
    sb.append(v);
    return this;
  }

  CopyBuffer field(Instant t) {
    sep();
    sb.append(t.toString());
    return this;
  }

  CopyBuffer field(BigDecimal d) {
    sep();
    sb.append(d.toPlainString());
    return this;
  }

  CopyBuffer field(boolean b) {
    sep();
    sb.append(b ? 't' : 'f');
    return this;
  }

  CopyBuffer bytes(byte[] b) {
    sep();
    if (b == null) {
      sb.append("\\N");
      return this;
    }
    sb.append("\\\\x");
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    }
    return this;
  }

  void endRow() {
    sb.append('\n');
    lineStart = true;
    rows++;
  }

  private void sep() {
    if (!lineStart) sb.append('\t');
    lineStart = false;
  }

  int rows() {
    return rows;
  }

  String text() {
    return sb.toString();
  }
}
