package org.lafia.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
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
 * patients and resources, what action and outcome. Writes are recorded on the writing
 * transaction's connection; reads, searches and sign-ins on a connection of their own, right
 * after they happen.
 */
public final class AuditTrail implements AuditSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  private static final String INSERT = "insert into audit_event (action, subtype, outcome, agent, agent_kind, agent_roles,"
      + " source_ip, patients, entities, query, purpose, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** Who acted, as the audit trail names them. */
  public record Agent(String name, char kind, List<String> roles) {}

  /** Connections whose commits are asynchronous by session setting (see AuditConfiguration). */
  private final com.zaxxer.hikari.HikariDataSource readEntries;

  AuditTrail(com.zaxxer.hikari.HikariDataSource readEntries) {
    this.readEntries = readEntries;
  }

  @Override
  public void close() {
    readEntries.close();
  }

  @Override
  public void recordInTransaction(Connection c, Access access) throws SQLException {
    insert(c, access, currentAgent(), emergencyPurpose(access));
  }

  @Override
  public void record(Access access) {
    record(access, currentAgent(), emergencyPurpose(access));
  }

  /** An access to a patient reached only through break-the-glass says so, for auditors. */
  private static String emergencyPurpose(Access access) {
    List<String> emergency = Actor.emergencyPatients();
    if (emergency.isEmpty()) return null;
    for (String p : access.patients()) if (emergency.contains(p)) return "break-the-glass";
    return null;
  }

  /** An entry for a given agent (sign-in events name the person before any session exists). */
  public void record(Access access, Agent agent, String purpose) {
    // Asynchronous commit is these connections' own setting: one autocommitted statement, visible
    // at once, durable within a fraction of a second (PostgreSQL's WAL writer). Only a crash of the
    // database server in that fraction of a second could lose the entries of the last reads;
    // writes are never audited this way, their entry commits with them.
    try (Connection c = readEntries.getConnection()) {
      insert(c, access, agent, purpose);
    } catch (SQLException | RuntimeException e) {
      // The response has gone out already; the loss is logged loudly for the operators.
      log.error("AUDIT ENTRY NOT RECORDED: {} {} by {} on {}", access.subtype(), access.entities(), agent.name(), access.patients(), e);
    }
  }

  private static void insert(Connection c, Access a, Agent agent, String purpose) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setString(1, String.valueOf(a.action()));
      ps.setString(2, a.subtype());
      ps.setShort(3, (short) a.outcome());
      ps.setString(4, agent.name());
      ps.setString(5, String.valueOf(agent.kind()));
      ps.setArray(6, c.createArrayOf("text", agent.roles().toArray()));
      ps.setString(7, sourceAddress());
      ps.setArray(8, c.createArrayOf("text", a.patients().toArray()));
      ps.setArray(9, c.createArrayOf("text", a.entities().toArray()));
      ps.setString(10, clip(a.query(), 2000));
      ps.setString(11, clip(purpose, 2000));
      ps.setString(12, clip(a.detail(), 2000));
      ps.executeUpdate();
    }
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
