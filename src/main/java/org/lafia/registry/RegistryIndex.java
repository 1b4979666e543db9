package org.lafia.registry;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.lafia.registry.matching.PersonMatcher;
import org.lafia.registry.matching.PersonRecord;

/**
 * The registry's own index of the Patient records (migration V16): what each is matched on and
 * its blocking keys, kept in the transaction of every write of a Patient. A new record's
 * candidates are read from it in one statement: per key at most a few hundred records (a key
 * shared by a whole town says little), ranked by how many keys they share with the new record.
 */
final class RegistryIndex {
  /** Records read per key, and per loose key (a place and the start of a name). */
  static final int PER_KEY = 200;
  static final int PER_LOOSE_KEY = 60;

  /** A candidate as the index holds it: its record, and the person it belongs to. */
  record Indexed(PersonRecord record, String nhid) {}

  private RegistryIndex() {}

  /**
   * Indexes a record as it is now stored; a write that changed none of what it is matched on (most
   * updates: a facility adding an encounter note to the record) costs one statement, and its keys
   * are not even computed.
   */
  static void put(Connection c, PersonRecord r, java.util.function.Supplier<List<String>> keys) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("insert into registry_record (patient_id, fields) values (?, ?)"
        + " on conflict (patient_id) do update set fields = excluded.fields, updated = now()"
        + " where registry_record.fields is distinct from excluded.fields returning 1")) {
      ps.setString(1, r.id());
      ps.setArray(2, c.createArrayOf("text", r.values()));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return; // indexed as it is already
      }
    }
    try (PreparedStatement ps = c.prepareStatement("delete from registry_key where patient_id = ?")) {
      ps.setString(1, r.id());
      ps.executeUpdate();
    }
    List<String> k = keys.get();
    if (k.isEmpty()) return;
    try (PreparedStatement ps = c.prepareStatement("insert into registry_key (key, patient_id) select distinct k, ? from unnest(?::text[]) k")) {
      ps.setString(1, r.id());
      ps.setArray(2, c.createArrayOf("text", k.toArray()));
      ps.executeUpdate();
    }
  }

  static void remove(Connection c, String patientId) throws SQLException {
    try (PreparedStatement a = c.prepareStatement("delete from registry_key where patient_id = ?");
        PreparedStatement b = c.prepareStatement("delete from registry_record where patient_id = ?")) {
      a.setString(1, patientId);
      a.executeUpdate();
      b.setString(1, patientId);
      b.executeUpdate();
    }
  }

  /** How many records carry a key, counted up to {@code cap}. */
  static int count(Connection c, String key, int cap) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select count(*) from (select 1 from registry_key where key = ? limit ?) k")) {
      ps.setString(1, key);
      ps.setInt(2, cap);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** The records sharing the most keys with {@code keys} (not {@code except}), at most {@code limit}, with their person. */
  static List<Indexed> candidates(Connection c, List<String> keys, String except, int limit) throws SQLException {
    List<Indexed> out = new ArrayList<>();
    if (keys.isEmpty()) return out;
    List<String> tight = new ArrayList<>(), loose = new ArrayList<>();
    for (String k : keys) (PersonMatcher.looseKey(k) ? loose : tight).add(k);
    String sql = "select m.patient_id, r.fields, l.nhid from (select x.patient_id, count(*) as shared from ("
        + " select t.patient_id from unnest(?::text[]) k cross join lateral (select patient_id from registry_key where key = k limit ?) t"
        + " union all"
        + " select t.patient_id from unnest(?::text[]) k cross join lateral (select patient_id from registry_key where key = k limit ?) t"
        + ") x where x.patient_id <> ? group by x.patient_id order by shared desc, x.patient_id limit ?) m"
        + " join registry_record r on r.patient_id = m.patient_id join registry_link l on l.patient_id = m.patient_id"
        + " order by m.shared desc, m.patient_id";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", tight.toArray()));
      ps.setInt(2, PER_KEY);
      ps.setArray(3, c.createArrayOf("text", loose.toArray()));
      ps.setInt(4, PER_LOOSE_KEY);
      ps.setString(5, except == null ? "" : except);
      ps.setInt(6, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array a = rs.getArray(2);
          out.add(new Indexed(PersonRecord.of(rs.getString(1), (String[]) a.getArray()), rs.getString(3)));
        }
      }
    }
    return out;
  }
}
