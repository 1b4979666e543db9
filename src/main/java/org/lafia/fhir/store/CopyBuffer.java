package org.lafia.fhir.store;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.SQLDataException;
import java.time.Instant;
import java.util.Arrays;
import org.postgresql.util.ByteConverter;

/**
 * Rows in PostgreSQL's binary COPY format, written straight into one byte array. Binary rather
 * than text because the server then neither scans every byte of a stored body for escapes and
 * encoding nor parses numbers and instants from text: a version row costs PostgreSQL about a third
 * of its text form (docs/benchmarks.md). Each method writes one column of the PostgreSQL type it is
 * named after; a row's fields must follow the column list of its COPY statement exactly.
 */
final class CopyBuffer {
  /** Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01 UTC. */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
  private static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, // signature
    0, 0, 0, 0, // flags
    0, 0, 0, 0 // header extension length
  };

  private byte[] buf = new byte[8192];
  private int len;
  private int rowStart = -1; // where the current row's field count goes, -1 between rows
  private int fields;
  private int rows;

  CopyBuffer() {
    put(HEADER, 0, HEADER.length);
  }

  /** A {@code text} column, as UTF-8; NUL (which text cannot hold) is dropped, a lone surrogate becomes '?'. */
  CopyBuffer text(String s) {
    if (s == null) return nullField();
    int at = lengthSlot();
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        i = utf8(s, i);
      } else if (c != 0) {
        put((byte) c);
      }
    }
    return closeLength(at);
  }

  /** Encodes the character at {@code i} (a surrogate pair as one code point); returns the last index used. */
  private int utf8(String s, int i) {
    char c = s.charAt(i);
    ensure(4);
    if (c < 0x800) {
      buf[len++] = (byte) (0xC0 | (c >> 6));
      buf[len++] = (byte) (0x80 | (c & 0x3F));
      return i;
    }
    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, s.charAt(i + 1));
      buf[len++] = (byte) (0xF0 | (cp >> 18));
      buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      buf[len++] = (byte) (0x80 | (cp & 0x3F));
      return i + 1;
    }
    if (Character.isSurrogate(c)) {
      buf[len++] = '?'; // a lone surrogate has no UTF-8 form: replaced, as String.getBytes does
      return i;
    }
    buf[len++] = (byte) (0xE0 | (c >> 12));
    buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
    buf[len++] = (byte) (0x80 | (c & 0x3F));
    return i;
  }

  /** A {@code char(1)} column. */
  CopyBuffer bpchar(char c) {
    return text(String.valueOf(c));
  }

  /** A {@code bigint} column. */
  CopyBuffer int8(long v) {
    field(8);
    putLong(v);
    return this;
  }

  /** A {@code bigint} column that may be null. */
  CopyBuffer int8(Long v) {
    return v == null ? nullField() : int8(v.longValue());
  }

  /** An {@code integer} column. */
  CopyBuffer int4(int v) {
    field(4);
    putInt(v);
    return this;
  }

  /** A {@code smallint} column; out of its range is a data error (22003), as PostgreSQL reports it for text. */
  CopyBuffer int2(int v) throws SQLDataException {
    if (v != (short) v) {
      throw new SQLDataException("The value " + v + " is out of range for a smallint column"
          + " (more than 32,767 repetitions of one element?). / Valeur hors limites.", "22003");
    }
    field(2);
    putShort(v);
    return this;
  }

  /** A {@code timestamptz} column: microseconds since 2000-01-01 UTC, finer digits cut (floor). */
  CopyBuffer timestamptz(Instant t) {
    if (t == null) return nullField();
    field(8);
    putLong(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000)
        - PG_EPOCH_MICROS);
    return this;
  }

  /** Digits PostgreSQL's numeric holds before the decimal point (weight is a 16-bit count of 4-digit groups). */
  static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;
  /** Digits it holds after the decimal point (display scale is 14 bits). */
  static final int NUMERIC_MAX_SCALE = 16_383;

  /**
   * A {@code numeric} column (the driver's encoder: base-10000 digits, weight, sign, scale). FHIR's
   * decimal takes any exponent ({@code 1e400000}); beyond what numeric holds the value is refused as
   * a data error (SQLSTATE 22003, a 400 for the client) before any conversion, which for such
   * exponents would take seconds and, in the binary format, silently wrap the weight.
   */
  CopyBuffer numeric(BigDecimal d) throws SQLDataException {
    if (d == null) return nullField();
    if (d.scale() > NUMERIC_MAX_SCALE || (long) d.precision() - d.scale() > NUMERIC_MAX_INTEGER_DIGITS) {
      long before = Math.max(0, (long) d.precision() - d.scale());
      throw new SQLDataException("A decimal with " + before + " digits before the point and " + Math.max(0, d.scale())
          + " after is beyond what can be stored and searched (at most " + NUMERIC_MAX_INTEGER_DIGITS + " and "
          + NUMERIC_MAX_SCALE + "). / Nombre décimal hors des limites de stockage et de recherche.", "22003");
    }
    byte[] b = ByteConverter.numeric(d);
    field(b.length);
    put(b, 0, b.length);
    return this;
  }

  /** A {@code boolean} column. */
  CopyBuffer bool(boolean b) {
    field(1);
    put((byte) (b ? 1 : 0));
    return this;
  }

  /** A {@code bytea} column. */
  CopyBuffer bytea(byte[] b) {
    if (b == null) return nullField();
    field(b.length);
    put(b, 0, b.length);
    return this;
  }

  /** Writes a value in place: at {@code dst[off]}, with room for the length asked; returns the length written. */
  interface InPlace {
    int write(byte[] dst, int off);
  }

  /** A {@code bytea} column of at most {@code maxLength} bytes written in place; returns its length. */
  int bytea(int maxLength, InPlace value) {
    int at = lengthSlot();
    ensure(maxLength);
    int n = value.write(buf, len);
    len += n;
    closeLength(at);
    return n;
  }

  void endRow() {
    if (rowStart < 0) throw new IllegalStateException("a row needs at least one field");
    buf[rowStart] = (byte) (fields >> 8);
    buf[rowStart + 1] = (byte) fields;
    rowStart = -1;
    rows++;
  }

  private CopyBuffer nullField() {
    field(-1);
    return this;
  }

  /** Starts a field: the row's count slot first if this is its first field, then the length. */
  private void field(int length) {
    if (rowStart < 0) {
      rowStart = len;
      fields = 0;
      putShort(0);
    }
    fields++;
    putInt(length);
  }

  /** Starts a field whose length is known only once written; returns where the length goes. */
  private int lengthSlot() {
    field(0);
    return len - 4;
  }

  private CopyBuffer closeLength(int at) {
    int n = len - at - 4;
    buf[at] = (byte) (n >>> 24);
    buf[at + 1] = (byte) (n >>> 16);
    buf[at + 2] = (byte) (n >>> 8);
    buf[at + 3] = (byte) n;
    return this;
  }

  private void putShort(int v) {
    ensure(2);
    buf[len++] = (byte) (v >> 8);
    buf[len++] = (byte) v;
  }

  private void putInt(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void putLong(long v) {
    putInt((int) (v >>> 32));
    putInt((int) v);
  }

  private void put(byte b) {
    if (len == buf.length) ensure(1);
    buf[len++] = b;
  }

  private void put(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
  }

  int rows() {
    return rows;
  }

  /** The rows with the format's trailer, for {@code COPY ... FROM STDIN (FORMAT binary)}. */
  InputStream stream() {
    if (rowStart >= 0) throw new IllegalStateException("the last row is not ended");
    ensure(2); // the trailer goes after the rows without becoming one: stream() may be called again
    buf[len] = (byte) 0xFF;
    buf[len + 1] = (byte) 0xFF;
    return new ByteArrayInputStream(buf, 0, len + 2);
  }

  /** The whole COPY data (header, rows, trailer), for tests. */
  byte[] bytes() {
    try (InputStream in = stream()) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
