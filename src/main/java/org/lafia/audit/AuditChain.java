package org.lafia.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
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
 * <p>Every {@code lafia.audit.checkpoint-interval} the sealing node also signs the chain's head
 * (position, seq, hash) with a key kept outside the database ({@link CheckpointKey}) and logs the
 * checkpoint as a witness line: rewriting an entry and recomputing every hash after it then still
 * contradicts the checkpoints signed before, and deleting the newest entries leaves a checkpoint
 * beyond the chain's end.
 *
 * <p>Verification recomputes the chain from its first entry and reports the first entry that was
 * altered (its hash no longer matches), removed (a gap in the positions or a broken link), or
 * whose seal was tampered with, and the first checkpoint that is forged, removed, or that the
 * chain no longer matches.
 */
public final class AuditChain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditChain.class);
  static final long LOCK = 0x4c61666961_415544L; // "Lafia" "AUD"
  private static final int BATCH = 5000;
  static final byte[] GENESIS = new byte[32];
  static final String COLUMNS = "seq, (extract(epoch from recorded) * 1000000)::bigint, action, subtype, outcome, agent,"
      + " agent_kind, agent_roles, source_ip, patients, entities, query, purpose, detail";

  /**
   * What verification found.
   *
   * @param checkpoints how many checkpoints were found valid and matching the chain
   * @param lastCheckpoint the last of them (to compare with a witness line kept elsewhere), or null
   */
  public record Verification(long checked, long unsealed, long checkpoints, Checkpoint lastCheckpoint, Problem firstProblem) {
    public boolean intact() {
      return firstProblem == null;
    }
  }

  /**
   * @param position the chain position where the problem shows; for a checkpoint's problem, the
   *     first entry after the last good checkpoint (the earliest that may have been changed)
   * @param seq the entry's insertion number, if the entry is there
   * @param kind "altered", "missing" (a gap or a broken link: entries removed), "rewritten" (the
   *     chain no longer matches a checkpoint: entries changed and the hashes after them recomputed),
   *     "checkpoint-forged" (a bad signature), "checkpoint-unknown-key" or "checkpoint-missing"
   * @param checkpoint the id of the checkpoint at fault, if the problem is found by one
   */
  public record Problem(long position, Long seq, String kind, Long checkpoint, String message) {
    Problem(long position, Long seq, String kind, String message) {
      this(position, seq, kind, null, message);
    }
  }

  /** A signed statement that the chain entry at {@code position} ({@code seq}) had hash {@code hash}. */
  public record Checkpoint(long id, long position, long seq, byte[] hash, Instant signedAt, String keyId, byte[] signature) {
    /** What is signed: text, so that an operator can check a witness line with openssl alone. */
    byte[] message() {
      return ("lafia-audit-checkpoint/1 id=" + id + " position=" + position + " seq=" + seq + " hash=" + HexFormat.of().formatHex(hash)
          + " signed_at=" + signedAt + " key=" + keyId).getBytes(StandardCharsets.UTF_8);
    }
  }

  private final DataSource dataSource;
  private final CheckpointKey key;
  private ScheduledExecutorService timer;

  /** Writes this node's queued audit entries (see {@link AuditTrail#flush}). */
  private final Runnable flushTrail;

  AuditChain(DataSource dataSource, CheckpointKey key, Runnable flushTrail) {
    this.dataSource = dataSource;
    this.key = key;
    this.flushTrail = flushTrail;
  }

  /** Seals every second and checkpoints every {@code checkpointInterval} on a background thread, until closed. */
  public void startSealing(Duration checkpointInterval) {
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
    long every = checkpointInterval.toMillis();
    timer.scheduleWithFixedDelay(() -> {
      try {
        checkpointNow();
      } catch (Exception e) {
        log.warn("Audit checkpoint failed; retrying in {}", checkpointInterval, e);
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  /** Seals what can be sealed now (at most one batch), unless another node is sealing; returns how many entries were sealed. */
  public int sealNow() throws SQLException {
    return seal(false);
  }

  /** Seals every entry whose transaction has ended, waiting for another sealer to finish first (operators, tests). */
  public void sealAll() throws SQLException {
    flushTrail.run();
    while (seal(true) > 0) {
      // next batch
    }
  }

  private int seal(boolean wait) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (!lock(c, wait)) return 0; // another node is sealing
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

  /** The sealing lock, for this transaction. */
  private static boolean lock(Connection c, boolean wait) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(wait ? "select pg_advisory_xact_lock(?) is not null" : "select pg_try_advisory_xact_lock(?)")) {
      ps.setLong(1, LOCK);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * Signs the chain's head if it moved since the last checkpoint, under the sealing lock (so that
   * the head does not move meanwhile, and checkpoint ids follow each other); returns the new
   * checkpoint, or null if there was nothing new to sign.
   */
  public Checkpoint checkpointNow() throws SQLException {
    Checkpoint cp;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        lock(c, true);
        long lastId = 0;
        long lastPos = 0;
        try (PreparedStatement ps = c.prepareStatement("select id, chain_pos from audit_checkpoint order by id desc limit 1");
            ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            lastId = rs.getLong(1);
            lastPos = rs.getLong(2);
          }
        }
        try (PreparedStatement ps = c.prepareStatement("select chain_pos, seq, hash from audit_event where chain_pos is not null"
            + " order by chain_pos desc limit 1"); ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || rs.getLong(1) <= lastPos) {
            c.rollback();
            return null;
          }
          cp = signed(lastId + 1, rs.getLong(1), rs.getLong(2), rs.getBytes(3));
        }
        try (PreparedStatement ps = c.prepareStatement("insert into audit_checkpoint (id, chain_pos, seq, hash, signed_at, key_id, signature)"
            + " values (?, ?, ?, ?, ?, ?, ?)")) {
          ps.setLong(1, cp.id());
          ps.setLong(2, cp.position());
          ps.setLong(3, cp.seq());
          ps.setBytes(4, cp.hash());
          ps.setObject(5, cp.signedAt().atOffset(ZoneOffset.UTC));
          ps.setString(6, cp.keyId());
          ps.setBytes(7, cp.signature());
          ps.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
    // The witness: log lines are shipped away from the database, where its owner cannot rewrite them.
    log.info("audit checkpoint seq={} hash={} sig={} position={} id={} signed_at={} key={}", cp.seq(), HexFormat.of().formatHex(cp.hash()),
        Base64.getEncoder().encodeToString(cp.signature()), cp.position(), cp.id(), cp.signedAt(), cp.keyId());
    return cp;
  }

  private Checkpoint signed(long id, long position, long seq, byte[] hash) {
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
    Checkpoint unsigned = new Checkpoint(id, position, seq, hash, at, key.id(), null);
    return new Checkpoint(id, position, seq, hash, at, key.id(), key.sign(unsigned.message()));
  }

  /** Recomputes the whole chain and checks every checkpoint against it; stops at the first problem. */
  public Verification verify() throws SQLException {
    return verify(null);
  }

  /**
   * Verification of what came after a checkpoint ({@code checkpointId}; 0 for the newest), for a
   * trail too long to recompute from its first entry at every check: the checkpoints up to it must
   * be consecutive and validly signed, the entry it signed must still carry its hash, and the
   * chain is recomputed from there. What it covers is left to a full {@link #verify()} (run less
   * often): a change before the checkpoint is not looked for.
   *
   * @throws IllegalArgumentException if there is no such checkpoint
   */
  public Verification verifySince(long checkpointId) throws SQLException {
    return verify(checkpointId);
  }

  private Verification verify(Long since) throws SQLException {
    long checked = 0;
    long unsealed;
    List<Checkpoint> checkpoints = new ArrayList<>();
    int k = 0; // the next checkpoint to meet along the chain; those before it are good
    Checkpoint good = null;
    long from = 1; // the first entry after the last good checkpoint, and its seq
    Long fromSeq = null;
    long start = 0; // the chain position verification starts after (0: the first entry)
    byte[] previous = GENESIS;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false); // a cursor: the chain is read in batches, not held in memory
      // The checkpoints before the chain: every checkpoint read then covers entries already sealed.
      try (PreparedStatement ps = c.prepareStatement("select id, chain_pos, seq, hash, signed_at, key_id, signature"
          + " from audit_checkpoint order by id"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checkpoints.add(new Checkpoint(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4),
              rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6), rs.getBytes(7)));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("select count(*) from audit_event where chain_pos is null");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        unsealed = rs.getLong(1);
      }
      if (since != null) {
        int s = -1;
        for (int i = 0; i < checkpoints.size(); i++) if (since == 0 || checkpoints.get(i).id() == since) s = i;
        if (s < 0) {
          throw new IllegalArgumentException(since == 0 ? "There is no checkpoint yet: verify the whole trail."
              : "There is no checkpoint " + since + ".");
        }
        // The checkpoints up to the starting one: consecutive and validly signed.
        for (int i = 0; i <= s; i++) {
          Checkpoint cp = checkpoints.get(i);
          Problem p = checkpointProblem(cp, i, cp.position() + 1, null);
          if (p != null) return new Verification(0, unsealed, i, good, p);
          good = cp;
        }
        // The entry it signed still carries the hash it signed: the chain goes on from there.
        try (PreparedStatement ps = c.prepareStatement("select seq, hash from audit_event where chain_pos = ?")) {
          ps.setLong(1, good.position());
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return new Verification(0, unsealed, s + 1, good, new Problem(good.position(), null, "missing", good.id(),
                  "Entry " + good.position() + ", which " + describe(good) + " covers, is missing (deleted)."));
            }
            if (rs.getLong(1) != good.seq() || !Arrays.equals(rs.getBytes(2), good.hash())) {
              return new Verification(0, unsealed, s + 1, good, new Problem(good.position(), rs.getLong(1), "rewritten", good.id(),
                  "Entry " + good.position() + " no longer matches " + describe(good) + ": entries up to it were changed and the"
                      + " hashes recomputed."));
            }
          }
        }
        k = s + 1;
        start = good.position();
        from = start + 1;
        previous = good.hash();
      }
      try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + ", chain_pos, prev_hash, hash from audit_event"
          + " where chain_pos > ? order by chain_pos")) {
        ps.setLong(1, start);
        ps.setFetchSize(2000);
        try (ResultSet rs = ps.executeQuery()) {
          long expected = start + 1;
          while (rs.next()) {
            long pos = rs.getLong(15);
            long seq = rs.getLong(1);
            if (pos != expected) {
              return new Verification(checked, unsealed, k, good, new Problem(expected, null, "missing",
                  "Entries " + expected + (pos - 1 > expected ? "–" + (pos - 1) : "") + " of the chain are missing (deleted)."));
            }
            if (!Arrays.equals(rs.getBytes(16), previous)) {
              return new Verification(checked, unsealed, k, good, new Problem(pos, seq, "missing",
                  "Entry " + pos + " does not follow entry " + (pos - 1) + ": entries were removed or replaced before it."));
            }
            byte[] hash = hash(previous, canonical(rs));
            if (!Arrays.equals(hash, rs.getBytes(17))) {
              return new Verification(checked, unsealed, k, good, new Problem(pos, seq, "altered",
                  "Entry " + pos + " (seq " + seq + ") was altered after it was sealed: its content no longer matches its hash "
                      + HexFormat.of().formatHex(rs.getBytes(17)).substring(0, 16) + "…."));
            }
            previous = hash;
            expected++;
            checked++;
            if (pos == from) fromSeq = seq;
            // A consistent chain can still be a recomputed one: the checkpoints signed along it tell.
            while (k < checkpoints.size() && checkpoints.get(k).position() <= pos) {
              Checkpoint cp = checkpoints.get(k);
              Problem p = checkpointProblem(cp, k, from, fromSeq);
              if (p == null && (cp.position() != pos || cp.seq() != seq || !Arrays.equals(cp.hash(), hash))) {
                p = new Problem(from, fromSeq, "rewritten", cp.id(), "The chain no longer matches " + describe(cp) + ": entries "
                    + from + "–" + pos + " (from seq " + fromSeq + ") were changed or removed, and the hashes after them recomputed.");
              }
              if (p != null) return new Verification(checked, unsealed, k, good, p);
              good = cp;
              k++;
              from = pos + 1;
              fromSeq = null;
            }
          }
          if (k < checkpoints.size()) { // a checkpoint beyond the chain's end: its newest entries were deleted
            Checkpoint cp = checkpoints.get(k);
            Problem p = checkpointProblem(cp, k, from, fromSeq);
            return new Verification(checked, unsealed, k, good, p != null ? p : new Problem(expected, null, "missing", cp.id(),
                "Entries " + expected + "–" + cp.position() + " of the chain are missing (deleted): " + describe(cp) + " covers them."));
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
    return new Verification(checked, unsealed, k, good, null);
  }

  /** A checkpoint removed before this one, or this one not signed by a known key: null if neither. */
  private Problem checkpointProblem(Checkpoint cp, int index, long from, Long fromSeq) {
    if (cp.id() != index + 1) {
      return new Problem(from, fromSeq, "checkpoint-missing", cp.id(), "Checkpoints " + (index + 1)
          + (cp.id() - 1 > index + 1 ? "–" + (cp.id() - 1) : "") + " were removed (deleted): entries from position " + from
          + " on may have been rewritten.");
    }
    PublicKey signer = key.publicKey(cp.keyId());
    if (signer == null) {
      return new Problem(from, fromSeq, "checkpoint-unknown-key", cp.id(), describe(cp) + " is signed by key " + cp.keyId()
          + ", which this node does not know: another node's key (list it in lafia.audit.checkpoint-public-keys) or a forgery.");
    }
    if (!CheckpointKey.valid(signer, cp.message(), cp.signature())) {
      return new Problem(from, fromSeq, "checkpoint-forged", cp.id(), describe(cp) + " has an invalid signature: it was forged or altered.");
    }
    return null;
  }

  private static String describe(Checkpoint cp) {
    return "checkpoint " + cp.id() + " (position " + cp.position() + ", seq " + cp.seq() + ", signed at " + cp.signedAt() + ")";
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
