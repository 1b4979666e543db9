package org.lafia.fhir.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A piece of SQL and its bind values, composed by appending: values are always bound, never
 * concatenated, so no search input can change the statement's shape.
 */
public final class Sql {
  private final StringBuilder text = new StringBuilder();
  private final List<Object> args = new ArrayList<>();

  public Sql add(String sql, Object... values) {
    text.append(sql);
    for (Object v : values) args.add(v);
    return this;
  }

  public Sql add(Sql other) {
    text.append(other.text);
    args.addAll(other.args);
    return this;
  }

  public String text() {
    return text.toString();
  }

  public List<Object> args() {
    return args;
  }

  public PreparedStatement prepare(Connection c) throws SQLException {
    PreparedStatement ps = c.prepareStatement(text.toString());
    int i = 1;
    for (Object a : args) {
      if (a instanceof Instant t) ps.setTimestamp(i++, Timestamp.from(t));
      else if (a instanceof String[] arr) ps.setArray(i++, c.createArrayOf("text", arr));
      else if (a instanceof Long[] arr) ps.setArray(i++, c.createArrayOf("bigint", arr));
      else if (a instanceof Integer[] arr) ps.setArray(i++, c.createArrayOf("integer", arr));
      else ps.setObject(i++, a);
    }
    return ps;
  }

  @Override
  public String toString() {
    return text + " " + args;
  }
}
