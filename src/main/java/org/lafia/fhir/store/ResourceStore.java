package org.lafia.fhir.store;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lafia.fhir.index.IndexRows;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Plain-SQL access to the FHIR tables. Writes of a whole transaction go out as one COPY per table
 * (plus an update and an index delete for resources that already existed), so a bundle of a
 * thousand resources costs about ten statements. Stateless: safe to share between threads.
 */
public final class ResourceStore {

  /**
   * The columns of a resource's current version, for a statement that joins {@code fhir_resource
   * r} and {@code fhir_version v} to rows of its own (a search's page): read back by {@link
   * #currentRow}, null when the resource was deleted in the meantime (left joins).
   */
  public static final String CURRENT_COLUMNS = "r.res_type, r.res_id, r.version, r.last_updated, v.method, v.body";

  private static final String CURRENT =
      "select r.pid, " + CURRENT_COLUMNS + " from fhir_resource r join fhir_version v on v.pid = r.pid and v.version = r.version";

  private static final String[] INDEX_TABLES = {
    "fhir_sp_string", "fhir_sp_token", "fhir_sp_ref", "fhir_sp_date", "fhir_sp_number",
    "fhir_sp_quantity", "fhir_sp_uri"
  };

  /** The current row of a resource, locked for the rest of the transaction. */
  public record Current(long pid, int version, boolean deleted, byte[] contentHash) {}

  public long[] allocatePids(Connection c, int n) throws SQLException {
    long[] out = new long[n];
    if (n == 0) return out;
    try (PreparedStatement ps =
        c.prepareStatement("select nextval('fhir_pid_seq') from generate_series(1, ?)")) {
      ps.setInt(1, n);
      try (ResultSet rs = ps.executeQuery()) {
        int i = 0;
        while (rs.next()) out[i++] = rs.getLong(1);
      }
    }
    return out;
  }

  /** Locks and returns the current row, so that concurrent writers of one resource queue up. */
  public Current lock(Connection c, String type, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select pid, version, deleted, content_hash from fhir_resource"
                + " where res_type = ? and res_id = ? for update")) {
      ps.setString(1, type);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        return new Current(rs.getLong(1), rs.getInt(2), rs.getBoolean(3), rs.getBytes(4));
      }
    }
  }

  /** Serialises work on one key (e.g. a conditional create's criteria) until commit. */
  public void lockKey(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
      ps.setLong(1, hash64(key));
      ps.execute();
    }
  }

  private static long hash64(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  public StoredResource current(Connection c, String type, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(CURRENT + " where r.res_type = ? and r.res_id = ?")) {
      ps.setString(1, type);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  public StoredResource version(Connection c, String type, String id, int version)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select v.pid, v.res_type, v.res_id, v.version, v.last_updated, v.method, v.body"
                + " from fhir_resource r join fhir_version v on v.pid = r.pid"
                + " where r.res_type = ? and r.res_id = ? and v.version = ?")) {
      ps.setString(1, type);
      ps.setString(2, id);
      ps.setInt(3, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  /**
   * Every current resource of a type (deleted ones omitted). For the few types a server keeps a
   * handful of, such as the StructureDefinitions {@code $validate} applies; never for patient data.
   */
  public List<StoredResource> currentOfType(Connection c, String type) throws SQLException {
    List<StoredResource> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(CURRENT + " where r.res_type = ? and not r.deleted")) {
      ps.setString(1, type);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(row(rs));
      }
    }
    return out;
  }

  /** Current versions of the given resources, in the order of {@code pids}; deleted ones omitted. */
  public List<StoredResource> currentByPids(Connection c, List<Long> pids) throws SQLException {
    if (pids.isEmpty()) return List.of();
    Map<Long, StoredResource> found = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(CURRENT + " where r.pid = any(?) and not r.deleted")) {
      Array arr = c.createArrayOf("bigint", pids.toArray());
      ps.setArray(1, arr);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StoredResource s = row(rs);
          found.put(s.pid(), s);
        }
      }
    }
    List<StoredResource> out = new ArrayList<>(pids.size());
    for (Long pid : pids) {
      StoredResource s = found.get(pid);
      if (s != null) out.add(s);
    }
    return out;
  }

  /**
   * Pids of resources named by (type, id) pairs, probed pair by pair through the (res_type, res_id)
   * index: "res_id = any(?)" alone cannot use it and read the whole resource table for every
   * bundle (IndexUseTest keeps it that way). Deleted resources included: stored references keep
   * pointing at them.
   */
  static final String TARGET_PIDS =
      "select r.res_type, r.res_id, r.pid from unnest(?::text[], ?::text[]) k(t, i)"
          + " join fhir_resource r on r.res_type = k.t and r.res_id = k.i";

  /** As {@link #TARGET_PIDS}, current resources only: what a new reference may point at. */
  static final String PIDS_OF = TARGET_PIDS + " where not r.deleted";

  /** Runs {@link #TARGET_PIDS} or {@link #PIDS_OF} into {@code out}: type → id → pid. */
  private static void lookUp(Connection c, String sql, List<String> types, List<String> ids,
      Map<String, Map<String, Long>> out) throws SQLException {
    if (types.isEmpty()) return;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", types.toArray()));
      ps.setArray(2, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getLong(3));
      }
    }
  }

  /** Pids of current, non-deleted resources named by type and id. */
  public Map<String, Long> pidsOf(Connection c, List<String> typeSlashIds) throws SQLException {
    List<String> types = new ArrayList<>(typeSlashIds.size());
    List<String> ids = new ArrayList<>(typeSlashIds.size());
    for (String t : typeSlashIds) {
      int slash = t.indexOf('/');
      types.add(t.substring(0, Math.max(slash, 0)));
      ids.add(t.substring(slash + 1));
    }
    Map<String, Map<String, Long>> found = new HashMap<>();
    lookUp(c, PIDS_OF, types, ids, found);
    Map<String, Long> out = new HashMap<>();
    found.forEach((type, byId) -> byId.forEach((id, pid) -> out.put(type + "/" + id, pid)));
    return out;
  }

  /** Joins {@link #CURRENT_COLUMNS}'s tables to {@code pidExpression}, a resource's pid. */
  public static String currentJoin(String pidExpression) {
    return " left join fhir_resource r on r.pid = " + pidExpression + " and not r.deleted"
        + " left join fhir_version v on v.pid = r.pid and v.version = r.version";
  }

  /** The resource whose {@link #CURRENT_COLUMNS} start at column {@code from}; null if it is gone. */
  public static StoredResource currentRow(ResultSet rs, long pid, int from) throws SQLException {
    String type = rs.getString(from);
    if (type == null) return null;
    return new StoredResource(pid, type, rs.getString(from + 1), rs.getInt(from + 2), rs.getTimestamp(from + 3).toInstant(),
        rs.getString(from + 4).charAt(0), BodyCodec.decode(rs.getBytes(from + 5)));
  }

  static StoredResource row(ResultSet rs) throws SQLException {
    return currentRow(rs, rs.getLong(1), 2);
  }

  /**
   * Writes every version of a transaction, with its search values, in a handful of statements.
   * {@code known} gives the pids of resources the caller wrote earlier in the same transaction, so
   * only other reference targets are looked up. Returns the pids of the writes with a local
   * reference whose target is not written yet (a later slice): {@link #resolveLateTargets}
   * completes them.
   */
  public List<Long> write(Connection c, Slice slice,
      java.util.function.BiFunction<String, String, Long> known) throws SQLException {
    if (slice.isEmpty()) return List.of();
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    copyIn(copy, "fhir_resource (pid, res_type, res_id, version, last_updated, deleted, content_hash)", slice.fresh);
    if (!slice.existing.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "update fhir_resource set version = ?, last_updated = ?, deleted = ?, content_hash = ?"
                  + " where pid = ?")) {
        for (Slice.Existing w : slice.existing) {
          ps.setInt(1, w.version());
          ps.setTimestamp(2, Timestamp.from(w.lastUpdated()));
          ps.setBoolean(3, w.deleted());
          ps.setBytes(4, w.contentHash());
          ps.setLong(5, w.pid());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      Array pids = c.createArrayOf("bigint", slice.existing.stream().map(Slice.Existing::pid).toArray());
      for (String table : INDEX_TABLES) {
        try (PreparedStatement ps = c.prepareStatement("delete from " + table + " where pid = any(?)")) {
          ps.setArray(1, pids);
          ps.executeUpdate();
        }
      }
    }
    copyIn(copy, "fhir_version (pid, version, res_type, res_id, last_updated, method, body)", slice.versions);
    Map<String, Map<String, Long>> targets = referenceTargets(c, slice.staged, known);
    CopyBuffer r = new CopyBuffer();
    List<Long> late = new ArrayList<>();
    for (Slice.Staged w : slice.staged) {
      boolean waiting = false;
      for (IndexRows.Ref x : w.refs()) {
        Long target = targetPid(targets, x);
        r.int8(w.pid()).int4(x.sp()).text(x.targetType()).text(x.targetId()).int2(x.grp()).int8(target);
        r.endRow();
        waiting |= x.targetType() != null && target == null;
      }
      if (waiting) late.add(w.pid());
    }
    copyIn(copy, "fhir_sp_string (pid, sp, norm, exact, grp)", slice.strings);
    copyIn(copy, "fhir_sp_token (pid, sp, sys, code, txt, grp)", slice.tokens);
    copyIn(copy, "fhir_sp_ref (pid, sp, tgt_type, tgt_id, grp, tgt_pid)", r);
    copyIn(copy, "fhir_sp_date (pid, sp, lo, hi, grp)", slice.dates);
    copyIn(copy, "fhir_sp_number (pid, sp, val, grp)", slice.numbers);
    copyIn(copy, "fhir_sp_quantity (pid, sp, sys, code, val, grp)", slice.quantities);
    copyIn(copy, "fhir_sp_uri (pid, sp, uri, grp)", slice.uris);
    return late;
  }

  /** Sets the target pid of references written before their target (same transaction). */
  public void resolveLateTargets(Connection c, List<Long> pids) throws SQLException {
    if (pids.isEmpty()) return;
    try (PreparedStatement ps =
        c.prepareStatement(
            "update fhir_sp_ref x set tgt_pid = r.pid from fhir_resource r"
                + " where x.pid = any(?) and x.tgt_pid is null and x.tgt_type is not null"
                + " and r.res_type = x.tgt_type and r.res_id = x.tgt_id")) {
      ps.setArray(1, c.createArrayOf("bigint", pids.toArray()));
      ps.executeUpdate();
    }
  }

  /**
   * The pid of every local reference target of these writes: the writes themselves, what the caller
   * knows (earlier slices of the same transaction: a Provenance names every resource of its bundle),
   * then one query for the rest (resources written before). A target not found yet is written
   * later in the same transaction.
   */
  private static Map<String, Map<String, Long>> referenceTargets(Connection c, List<Slice.Staged> writes,
      java.util.function.BiFunction<String, String, Long> known) throws SQLException {
    Map<String, Map<String, Long>> pids = new HashMap<>();
    for (Slice.Staged w : writes) pids.computeIfAbsent(w.type(), k -> new HashMap<>()).put(w.id(), w.pid());
    List<String> types = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Map<String, java.util.Set<String>> asked = new HashMap<>();
    for (Slice.Staged w : writes) {
      for (IndexRows.Ref x : w.refs()) {
        if (x.targetType() == null) continue;
        Map<String, Long> ofType = pids.get(x.targetType());
        if (ofType != null && ofType.containsKey(x.targetId())) continue;
        Long pid = known.apply(x.targetType(), x.targetId());
        if (pid != null) {
          pids.computeIfAbsent(x.targetType(), k -> new HashMap<>()).put(x.targetId(), pid);
          continue;
        }
        if (asked.computeIfAbsent(x.targetType(), k -> new java.util.HashSet<>()).add(x.targetId())) {
          types.add(x.targetType());
          ids.add(x.targetId());
        }
      }
    }
    lookUp(c, TARGET_PIDS, types, ids, pids);
    return pids;
  }

  private static Long targetPid(Map<String, Map<String, Long>> targets, IndexRows.Ref x) {
    if (x.targetType() == null) return null;
    Map<String, Long> ofType = targets.get(x.targetType());
    return ofType == null ? null : ofType.get(x.targetId());
  }

  private static void copyIn(CopyManager copy, String target, CopyBuffer buf) throws SQLException {
    if (buf.rows() == 0) return;
    try {
      copy.copyIn("COPY " + target + " FROM STDIN (FORMAT binary)", buf.stream());
    } catch (IOException e) {
      throw new SQLException("COPY into " + target + " failed", e);
    }
  }

  /**
   * A page of history, newest first: of one resource (pid), one type, or everything. Keyset-paged
   * on (last_updated, pid, version) so pages stay right while writes go on.
   */
  public List<StoredResource> history(Connection c, Long pid, String type, java.time.Instant since,
      java.time.Instant at, String cursor, int limit) throws SQLException {
    StringBuilder sql = new StringBuilder(
        "select pid, res_type, res_id, version, last_updated, method, body from fhir_version where true");
    List<Object> args = new ArrayList<>();
    if (pid != null) { sql.append(" and pid = ?"); args.add(pid); }
    if (type != null) { sql.append(" and res_type = ?"); args.add(type); }
    if (since != null) { sql.append(" and last_updated >= ?"); args.add(Timestamp.from(since)); }
    if (at != null) { sql.append(" and last_updated <= ?"); args.add(Timestamp.from(at)); }
    if (cursor != null) {
      String[] p = cursor.split("_");
      if (p.length != 3) throw new IllegalArgumentException("bad history cursor");
      sql.append(" and (last_updated, pid, version) < (?, ?, ?)");
      args.add(Timestamp.from(java.time.Instant.ofEpochMilli(Long.parseLong(p[0]))));
      args.add(Long.parseLong(p[1]));
      args.add(Integer.parseInt(p[2]));
    }
    sql.append(" order by last_updated desc, pid desc, version desc limit ?");
    args.add(limit);
    List<StoredResource> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(row(rs));
      }
    }
    return out;
  }

  public static String historyCursor(StoredResource last) {
    return last.lastUpdated().toEpochMilli() + "_" + last.pid() + "_" + last.version();
  }

  /** Internal id of a resource (deleted or not), or null. */
  public Long pid(Connection c, String type, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("select pid from fhir_resource where res_type = ? and res_id = ?")) {
      ps.setString(1, type);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }
}
