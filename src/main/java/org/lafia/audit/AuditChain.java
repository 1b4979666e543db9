package org.lafia.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hash chain over the audit trail. Entries are inserted without a hash (inserting them must
 * not serialise every write in the country on one lock); a sealer then gives each entry, in
 * insertion order, its position in the chain and {@code hash = SHA-256(previous hash ||
 * canonical bytes of the entry)}. It only seals entries whose transactions have all ended (their
 * id is below the oldest running transaction), so no entry can later appear before a sealed one.
 * One node seals at a time (advisory lock); any node may verify.
 *
 * <p>Verification recomputes the chain from its first entry and reports the first entry that was
 * altered (its hash no longer matches), removed (a gap in the positions or a broken link), or
 * whose seal was tampered with.
 */
public final class AuditChain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditChain.class);
  private static final long LOCK = 0x4c61666961_415544L; // "Lafia" "AUD"
  private static final int BATCH = 5000;
  private static final byte[] GENESIS = new byte[32];
  private static final String COLUMNS = "seq, (extract(epoch from recorded) * 1000000)::bigint, action, subtype, outcome, agent,"
      + " agent_kind, agent_roles, source_ip, patients, entities, query, purpose, detail";

  /** What verification found. */
  public record Verification(long checked, long unsealed, Problem firstProblem) {
    public boolean intact() {
      return firstProblem == null;
    }
  }

  /**
   * @param position the chain position where the problem shows
   * @param seq the entry's insertion number, if the entry is there
   * @param kind "altered", "missing" (a gap or a broken link: entries removed) or "reordered"
   */
  public record Problem(long position, Long seq, String kind, String message) {}

  private final DataSource dataSource;
  private ScheduledExecutorService timer;

  public AuditChain(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Seals every second on a background thread, until closed. */
  public void startSealing() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lafia:audit-sealer");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        while (sealNow() == BATCH) {
          // a backlog: keep sealing
        }
      } catch (Exception e) {
        log.warn("Audit sealing failed; retrying in a second", e);
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  /** Seals what can be sealed now (at most one batch), unless another node is sealing; returns how many entries were sealed. */
  public int sealNow() throws SQLException {
    return seal(false);
  }

  /** Seals every entry whose transaction has ended, waiting for another sealer to finish first (operators, tests). */
  public void sealAll() throws SQLException {
    while (seal(true) > 0) {
      // next batch
    }
  }

  private int seal(boolean wait) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean mine;
        try (PreparedStatement ps = c.prepareStatement(wait ? "select pg_advisory_xact_lock(?) is not null" : "select pg_try_advisory_xact_lock(?)")) {
          ps.setLong(1, LOCK);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            mine = rs.getBoolean(1);
          }
        }
        if (!mine) return 0; // another node is sealing
        long position = 0;
        byte[] previous = GENESIS;
        try (PreparedStatement ps = c.prepareStatement("select chain_pos, hash from audit_event where chain_pos is not null"
            + " order by chain_pos desc limit 1"); ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            position = rs.getLong(1);
            previous = rs.getBytes(2);
          }
        }
        int sealed = 0;
        try (PreparedStatement select = c.prepareStatement("select " + COLUMNS + " from audit_event where chain_pos is null"
                + " and txid < pg_snapshot_xmin(pg_current_snapshot()) order by seq limit " + BATCH);
            PreparedStatement update = c.prepareStatement("update audit_event set chain_pos = ?, prev_hash = ?, hash = ? where seq = ?");
            ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            byte[] hash = hash(previous, canonical(rs));
            update.setLong(1, ++position);
            update.setBytes(2, previous);
            update.setBytes(3, hash);
            update.setLong(4, rs.getLong(1));
            update.addBatch();
            previous = hash;
            sealed++;
          }
          if (sealed > 0) update.executeBatch();
        }
        c.commit();
        return sealed;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** Recomputes the whole chain; stops at the first problem. */
  public Verification verify() throws SQLException {
    long checked = 0;
    long unsealed;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false); // a cursor: the chain is read in batches, not held in memory
      try (PreparedStatement ps = c.prepareStatement("select count(*) from audit_event where chain_pos is null");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        unsealed = rs.getLong(1);
      }
      try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + ", chain_pos, prev_hash, hash from audit_event"
          + " where chain_pos is not null order by chain_pos")) {
        ps.setFetchSize(2000);
        try (ResultSet rs = ps.executeQuery()) {
          long expected = 1;
          byte[] previous = GENESIS;
          while (rs.next()) {
            long pos = rs.getLong(15);
            long seq = rs.getLong(1);
            if (pos != expected) {
              return new Verification(checked, unsealed, new Problem(expected, null, "missing",
                  "Entries " + expected + (pos - 1 > expected ? "–" + (pos - 1) : "") + " of the chain are missing (deleted)."));
            }
            if (!Arrays.equals(rs.getBytes(16), previous)) {
              return new Verification(checked, unsealed, new Problem(pos, seq, "missing",
                  "Entry " + pos + " does not follow entry " + (pos - 1) + ": entries were removed or replaced before it."));
            }
            byte[] hash = hash(previous, canonical(rs));
            if (!Arrays.equals(hash, rs.getBytes(17))) {
              return new Verification(checked, unsealed, new Problem(pos, seq, "altered",
                  "Entry " + pos + " (seq " + seq + ") was altered after it was sealed: its content no longer matches its hash "
                      + HexFormat.of().formatHex(rs.getBytes(17)).substring(0, 16) + "…."));
            }
            previous = hash;
            expected++;
            checked++;
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
    return new Verification(checked, unsealed, null);
  }

  /** Every column but the chain's own, each length-prefixed so that no two entries share bytes. */
  static byte[] canonical(ResultSet rs) throws SQLException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    put(out, Long.toString(rs.getLong(1)));
    put(out, Long.toString(rs.getLong(2)));
    for (int i = 3; i <= 14; i++) {
      Object v = rs.getObject(i);
      if (v instanceof Array a) {
        Object[] items = (Object[]) a.getArray();
        put(out, Integer.toString(items.length));
        for (Object item : items) put(out, item == null ? null : item.toString());
      } else {
        put(out, v == null ? null : v.toString());
      }
    }
    return out.toByteArray();
  }

  private static void put(ByteArrayOutputStream out, String s) {
    if (s == null) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
    out.writeBytes(b);
  }

  static byte[] hash(byte[] previous, byte[] canonical) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(previous);
      sha.update(canonical);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (timer != null) timer.shutdownNow();
  }
}
