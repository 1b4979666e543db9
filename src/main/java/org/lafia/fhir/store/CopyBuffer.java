package org.lafia.fhir.store;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Rows in PostgreSQL's COPY text format, escaped, written straight as UTF-8 bytes: a slice of
 * 2,000 stored bodies (several MB) is encoded once, not built as text, copied into a String and
 * encoded again by the driver.
 */
final class CopyBuffer {
  private byte[] buf = new byte[8192];
  private int len;
  private boolean lineStart = true;
  private int rows;

  CopyBuffer field(String s) {
    sep();
    if (s == null) return ascii("\\N");
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        i = utf8(s, i);
      } else if (c >= 0x20 && c != '\\') {
        put((byte) c);
      } else {
        switch (c) {
          case '\\' -> ascii("\\\\");
          case '\t' -> ascii("\\t");
          case '\n' -> ascii("\\n");
          case '\r' -> ascii("\\r");
          case '\0' -> {} // PostgreSQL text cannot hold NUL; the parser rejects it earlier anyway
          default -> put((byte) c); // other control characters are taken literally by COPY
        }
      }
    }
    return this;
  }

  /** Encodes the character at {@code i} (a surrogate pair as one code point); returns the last index used. */
  private int utf8(String s, int i) {
    char c = s.charAt(i);
    if (c < 0x800) {
      put((byte) (0xC0 | (c >> 6)));
      put((byte) (0x80 | (c & 0x3F)));
      return i;
    }
    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, s.charAt(i + 1));
      put((byte) (0xF0 | (cp >> 18)));
      put((byte) (0x80 | ((cp >> 12) & 0x3F)));
      put((byte) (0x80 | ((cp >> 6) & 0x3F)));
      put((byte) (0x80 | (cp & 0x3F)));
      return i + 1;
    }
    if (Character.isSurrogate(c)) {
      put((byte) '?'); // a lone surrogate has no UTF-8 form: replaced, as String.getBytes does
      return i;
    }
    put((byte) (0xE0 | (c >> 12)));
    put((byte) (0x80 | ((c >> 6) & 0x3F)));
    put((byte) (0x80 | (c & 0x3F)));
    return i;
  }

  CopyBuffer field(Long v) {
    if (v == null) {
      sep();
      return ascii("\\N");
    }
    return field(v.longValue());
  }

  CopyBuffer field(long v) {
    sep();
    return ascii(Long.toString(v));
  }

  CopyBuffer field(Instant t) {
    sep();
    return ascii(t.toString());
  }

  CopyBuffer field(BigDecimal d) {
    sep();
    return ascii(d.toPlainString());
  }

  CopyBuffer field(boolean b) {
    sep();
    put((byte) (b ? 't' : 'f'));
    return this;
  }

  CopyBuffer bytes(byte[] b) {
    sep();
    if (b == null) return ascii("\\N");
    ascii("\\\\x");
    ensure(2 * b.length);
    for (byte x : b) {
      buf[len++] = (byte) Character.forDigit((x >> 4) & 0xF, 16);
      buf[len++] = (byte) Character.forDigit(x & 0xF, 16);
    }
    return this;
  }

  void endRow() {
    put((byte) '\n');
    lineStart = true;
    rows++;
  }

  private void sep() {
    if (!lineStart) put((byte) '\t');
    lineStart = false;
  }

  /** Text known to be ASCII (numbers, instants, escapes). */
  private CopyBuffer ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
    return this;
  }

  private void put(byte b) {
    if (len == buf.length) ensure(1);
    buf[len++] = b;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
  }

  int rows() {
    return rows;
  }

  /** The rows, for COPY ... FROM STDIN. */
  InputStream stream() {
    return new ByteArrayInputStream(buf, 0, len);
  }

  /** The rows as text (what tests compare). */
  String text() {
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }
}
