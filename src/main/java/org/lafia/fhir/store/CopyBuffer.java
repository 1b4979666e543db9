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
    int clean = 0;
    int n = s.length();
    while (clean < n) {
      char c = s.charAt(clean);
      if (c == '\\' || c < 0x20) break;
      clean++;
    }
    sb.append(s, 0, clean);
    for (int i = clean; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\0' -> {} // PostgreSQL text cannot hold NUL; the parser rejects it earlier anyway
        default -> sb.append(c);
      }
    }
    return this;
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
