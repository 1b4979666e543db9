package org.lafia.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Binary COPY rows read back by the real PostgreSQL: every column type the store writes, with the
 * values that are easy to get wrong (text beyond Latin, NUL, lone surrogates, numerics of any scale
 * and sign, instants before PostgreSQL's epoch and at the bounds open date ranges use, nulls).
 */
@LafiaTest
class CopyBufferTest {
  @Autowired DataSource dataSource;

  private static final String TABLE =
      "create temp table copy_check (i8 bigint, i4 integer, i2 smallint, t text, c char(1),"
          + " ts timestamptz, n numeric, b boolean, y bytea)";

  private List<List<String>> roundTrip(CopyBuffer buf) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute(TABLE);
      }
      try {
        long n = c.unwrap(PGConnection.class).getCopyAPI()
            .copyIn("COPY copy_check FROM STDIN (FORMAT binary)", buf.stream());
        assertThat(n).isEqualTo(buf.rows());
        List<List<String>> out = new ArrayList<>();
        try (Statement s = c.createStatement()) {
          s.execute("set timezone = 'UTC'");
          try (ResultSet rs = s.executeQuery(
              "select i8::text, i4::text, i2::text, t, c::text, to_char(ts, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'),"
                  + " n::text, b::text, encode(y, 'hex') from copy_check")) {
            while (rs.next()) {
              List<String> row = new ArrayList<>();
              for (int i = 1; i <= 9; i++) row.add(rs.getString(i));
              out.add(row);
            }
          }
        }
        return out;
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("drop table copy_check");
          s.execute("reset timezone");
        }
      }
    }
  }

  private static CopyBuffer row(CopyBuffer b, long i8, int i4, int i2, String t, char c, Instant ts,
      BigDecimal n, boolean bool, byte[] y) throws Exception {
    b.int8(i8).int4(i4).int2(i2).text(t).bpchar(c).timestamptz(ts).numeric(n).bool(bool).bytea(y).endRow();
    return b;
  }

  @Test
  void every_column_type_reads_back_as_written() throws Exception {
    CopyBuffer b = new CopyBuffer();
    row(b, 42, -7, 3, "Kossi Amégan", 'C', Instant.parse("2024-03-01T10:00:00Z"), new BigDecimal("1.50"), true,
        new byte[] {0x0f, (byte) 0xa0});
    row(b, Long.MIN_VALUE, Integer.MAX_VALUE, -1, "🦟 paludisme ⴰⵎⴰⵣⵉⵖ عبد الله", 'D',
        Instant.parse("1969-07-20T20:17:40.123456789Z"), new BigDecimal("-0.000012345"), false, new byte[0]);
    row(b, 0, 0, Short.MAX_VALUE, "N'Guessan\t\\\n\"x\"", 'U', Instant.parse("0001-01-01T00:00:00Z"),
        new BigDecimal("1E+3"), true, null);
    row(b, 1, 1, 1, "", 'C', Instant.parse("9999-12-31T23:59:59.999Z"),
        new BigDecimal("123456789012345678901234567890.000000000000000000001"), false, new byte[] {0});
    assertThat(b.rows()).isEqualTo(4);

    List<List<String>> rows = roundTrip(b);
    assertThat(rows).containsExactly(
        List.of("42", "-7", "3", "Kossi Amégan", "C", "2024-03-01T10:00:00.000000", "1.50", "true", "0fa0"),
        List.of(String.valueOf(Long.MIN_VALUE), String.valueOf(Integer.MAX_VALUE), "-1",
            "🦟 paludisme ⴰⵎⴰⵣⵉⵖ عبد الله", "D", "1969-07-20T20:17:40.123456", "-0.000012345", "false", ""),
        java.util.Arrays.asList("0", "0", "32767", "N'Guessan\t\\\n\"x\"", "U", "0001-01-01T00:00:00.000000",
            "1000", "true", null),
        List.of("1", "1", "1", "", "C", "9999-12-31T23:59:59.999000",
            "123456789012345678901234567890.000000000000000000001", "false", "00"));
  }

  @Test
  void numerics_at_postgresql_limits_pass_and_beyond_them_are_a_data_error() throws Exception {
    CopyBuffer b = new CopyBuffer();
    BigDecimal widest = BigDecimal.ONE.scaleByPowerOfTen(CopyBuffer.NUMERIC_MAX_INTEGER_DIGITS - 1); // 131,072 digits
    BigDecimal finest = BigDecimal.ONE.movePointLeft(CopyBuffer.NUMERIC_MAX_SCALE); // 16,383 decimals
    row(b, 1, 1, 1, "w", 'C', Instant.EPOCH, widest, true, null);
    row(b, 2, 2, 2, "f", 'C', Instant.EPOCH, finest, true, null);
    List<List<String>> rows = roundTrip(b);
    assertThat(rows.get(0).get(6)).hasSize(CopyBuffer.NUMERIC_MAX_INTEGER_DIGITS).startsWith("10000");
    assertThat(rows.get(1).get(6)).hasSize(CopyBuffer.NUMERIC_MAX_SCALE + 2).startsWith("0.0000").endsWith("1");
    for (BigDecimal beyond : new BigDecimal[] {widest.scaleByPowerOfTen(1), finest.movePointLeft(1),
        new BigDecimal("1e400000"), new BigDecimal("-1e-400000")}) {
      assertThatThrownBy(() -> new CopyBuffer().numeric(beyond))
          .isInstanceOfSatisfying(java.sql.SQLDataException.class, e -> assertThat(e.getSQLState()).isEqualTo("22003"))
          .hasMessageContaining("beyond what can be stored");
    }
  }

  @Test
  void nulls_nul_characters_and_lone_surrogates() throws Exception {
    CopyBuffer b = new CopyBuffer();
    b.int8((Long) null).int4(5).int2(0).text("a\u0000b\uD800c").bpchar('C').timestamptz(null).numeric(null)
        .bool(false).bytea(null).endRow();
    List<List<String>> rows = roundTrip(b);
    // text cannot hold NUL (dropped); a lone surrogate has no UTF-8 form ('?', as String.getBytes does)
    assertThat(rows).containsExactly(java.util.Arrays.asList(null, "5", "0", "ab?c", "C", null, null, "false", null));
  }

  @Test
  void a_buffer_can_be_streamed_twice_and_rejects_half_rows_and_overflowing_smallints() throws Exception {
    CopyBuffer b = new CopyBuffer();
    row(b, 1, 2, 3, "x", 'C', Instant.EPOCH, BigDecimal.ONE, true, new byte[] {1});
    assertThat(b.bytes()).isEqualTo(b.bytes());
    assertThat(roundTrip(b)).hasSize(1);
    assertThatThrownBy(() -> b.int2(70_000)).isInstanceOfSatisfying(java.sql.SQLDataException.class,
        e -> assertThat(e.getSQLState()).isEqualTo("22003"));
    CopyBuffer half = new CopyBuffer();
    half.int8(1);
    assertThatThrownBy(half::stream).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new CopyBuffer().endRow()).isInstanceOf(IllegalStateException.class);
  }
}
