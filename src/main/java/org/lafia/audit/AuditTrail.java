package org.lafia.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.lafia.fhir.spi.AuditSink;
import org.lafia.security.Actor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Writes audit entries: who (the request's actor), from where (the client address), what
 * patients and resources, what action and outcome, and why when it is known (a person's access
 * under an emergency grant is marked "break-the-glass" by the database as the entry is inserted:
 * migration V13). Writes are recorded on the writing transaction's connection, so the entry
 * commits or rolls back with the write. Reads, searches
 * and refusals are handed to this node's audit writer, which inserts whatever has accumulated in
 * one batch and one durable commit: the request does not wait for the database (a read used to
 * pay a round trip and an insert for its entry), and a busy node writes hundreds of entries per
 * statement. Sign-ins, token grants and break-the-glass grants are written at once, by the caller.
 *
 * <p>What can be lost: entries accepted by a node that crashes (the process killed, not stopped)
 * in the ten or so milliseconds before the writer commits them. A stop (SIGTERM) writes them all first.
 * When the queue is full (the database slower than the requests), callers write their own entry,
 * so that the queue's bound slows readers down rather than dropping entries.
 */
public final class AuditTrail implements AuditSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  private static final String INSERT = "insert into audit_event (recorded, action, subtype, outcome, agent, agent_kind, agent_roles,"
      + " source_ip, patients, entities, query, purpose, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final int QUEUE_CAPACITY = 20_000;
  private static final int BATCH = 500;
  /**
   * How long the writer lets entries gather after the first one arrives: at a few hundred reads a
   * second it writes a handful per statement and commit instead of one, and the requests' threads
   * no longer wake it for every entry (one entry per batch was a tenth of a search's CPU).
   */
  private static final long GATHER_MILLIS = 10;

  /** Who acted, as the audit trail names them. */
  public record Agent(String name, char kind, List<String> roles) {}

  /** An entry as captured on the request's thread (who and from where are known only there). */
  private record Entry(OffsetDateTime recorded, Access access, Agent agent, String purpose, String sourceIp) {}

  /** The writer's own connections (and a caller's, when the queue is full). */
  private final com.zaxxer.hikari.HikariDataSource entries;
  private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread writer;
  private final Object progress = new Object();
  private long accepted; // guarded by progress: entries queued so far
  private long settled; // guarded by progress: of those, entries committed (or given up at a stop)
  private volatile boolean closing;

  AuditTrail(com.zaxxer.hikari.HikariDataSource entries) {
    this.entries = entries;
    this.writer = new Thread(this::writeQueued, "lafia:audit-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Writes what is queued, then stops (the JVM's stop waits for it, at most 30 s). */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Entry> left = new ArrayList<>();
    queue.drainTo(left);
    if (!left.isEmpty()) writeNow(left); // accepted while the writer was stopping
    entries.close();
  }

  /**
   * Waits until every entry accepted before this call is committed (at most 10 s): auditors'
   * queries on this node see this node's latest entries, and tests read what they just caused.
   */
  public void flush() {
    long deadline = System.nanoTime() + 10_000_000_000L;
    synchronized (progress) {
      long target = accepted;
      while (settled < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("Audit flush: {} entries still being written after 10 s", target - settled);
          return;
        }
        try {
          progress.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void recordInTransaction(Connection c, Access access) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      bind(c, ps, new Entry(now(), access, currentAgent(), null, sourceAddress()));
      ps.executeUpdate();
    }
  }

  @Override
  public void record(Access access) {
    Entry e = new Entry(now(), access, currentAgent(), null, sourceAddress());
    boolean queued;
    synchronized (progress) {
      queued = !closing && queue.offer(e);
      if (queued) accepted++;
    }
    if (!queued) writeNow(List.of(e));
  }

  /** An entry for a given agent, written before returning (sign-ins name the person before any session exists). */
  public void record(Access access, Agent agent, String purpose) {
    writeNow(List.of(new Entry(now(), access, agent, purpose, sourceAddress())));
  }

  private void writeNow(List<Entry> batch) {
    try {
      insert(batch);
    } catch (SQLException | RuntimeException e) {
      lost(batch, e);
    }
  }

  /** The writer: whatever has accumulated since its last commit, in one statement and one commit. */
  private void writeQueued() {
    List<Entry> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing) return;
          continue;
        }
        batch.add(first);
        if (!closing && queue.size() < BATCH - 1) gather();
        queue.drainTo(batch, BATCH - 1);
        for (int attempt = 1; ; attempt++) {
          try {
            insert(batch);
            break;
          } catch (SQLException | RuntimeException e) {
            if (!mustWait(e)) {
              // The database refused the statement itself (an entry it cannot take): the entries
              // one by one, so that one bad entry costs only itself, logged.
              for (Entry one : batch) writeNow(List.of(one));
              break;
            }
            // The database is away or out of room: keep the entries and try again (callers write
            // their own entries once the queue is full); at a stop, give up after a few attempts, loudly.
            if (closing && attempt >= 3) {
              lost(batch, e);
              break;
            }
            log.warn("Audit entries not written yet ({} waiting); retrying in a second", batch.size() + queue.size(), e);
            Thread.sleep(1000);
          }
        }
        synchronized (progress) {
          settled += batch.size();
          progress.notifyAll();
        }
        batch.clear();
      } catch (InterruptedException e) {
        if (closing) return;
      } catch (RuntimeException e) {
        log.error("Audit writer error", e);
      }
    }
  }

  /** Lets entries gather; an interrupt cuts it short but never costs the entry already taken. */
  private static void gather() {
    try {
      Thread.sleep(GATHER_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the database cannot take the entries now (try again later), rather than refusing the
   * statement: unreachable or restarting (08, 57P), or out of resources (53: disk full, out of
   * memory, too many connections) — a full disk must not cost the trail its entries.
   */
  private static boolean mustWait(Exception e) {
    if (e instanceof java.sql.SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException) return true;
    String state = e instanceof SQLException s ? s.getSQLState() : null;
    return state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"));
  }

  private void insert(List<Entry> batch) throws SQLException {
    // One autocommitted statement (multi-row, by the driver's batch rewriting): one commit for the batch.
    try (Connection c = entries.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
      for (Entry e : batch) {
        bind(c, ps, e);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void lost(List<Entry> batch, Exception cause) {
    // The responses have gone out already; the loss is logged loudly, entry by entry, for the operators.
    for (Entry e : batch) {
      log.error("AUDIT ENTRY NOT RECORDED: {} {} {} by {} on {}", e.recorded(), e.access().subtype(), e.access().entities(),
          e.agent().name(), e.access().patients(), cause);
    }
  }

  private static void bind(Connection c, PreparedStatement ps, Entry e) throws SQLException {
    Access a = e.access();
    ps.setObject(1, e.recorded());
    ps.setString(2, String.valueOf(a.action()));
    ps.setString(3, clip(a.subtype(), 40));
    ps.setShort(4, (short) a.outcome());
    ps.setString(5, clip(e.agent().name(), 200)); // the column's width: an identity provider's subject may be longer
    ps.setString(6, String.valueOf(e.agent().kind()));
    ps.setArray(7, c.createArrayOf("text", e.agent().roles().toArray()));
    ps.setString(8, clip(e.sourceIp(), 64));
    ps.setArray(9, c.createArrayOf("text", a.patients().toArray()));
    ps.setArray(10, c.createArrayOf("text", a.entities().toArray()));
    ps.setString(11, clip(a.query(), 2000));
    ps.setString(12, clip(e.purpose(), 2000));
    ps.setString(13, clip(a.detail(), 2000));
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  static Agent currentAgent() {
    Actor actor = Actor.current();
    if (actor != null) return new Agent(actor.subject(), actor.system() ? 'S' : 'U', actor.roles());
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null && auth.isAuthenticated() && auth.getName() != null && !"anonymousUser".equals(auth.getName())) {
      return new Agent(auth.getName(), 'U', List.of());
    }
    return new Agent("anonymous", 'A', List.of());
  }

  static String sourceAddress() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes sra) {
      HttpServletRequest r = sra.getRequest();
      return r.getRemoteAddr();
    }
    return null;
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
