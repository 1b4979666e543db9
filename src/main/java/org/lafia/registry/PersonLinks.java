package org.lafia.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The registry's own tables (migration V16): persons, which person each Patient record belongs to
 * and why, the stewards' review queue and the events other modules follow. Every method runs on
 * the caller's connection, inside the write that causes it.
 */
final class PersonLinks {
  /** Who decided, when no person did: the registry's matching. */
  static final String AUTOMATIC = "registre (automatique)";

  private PersonLinks() {}

  static void ensurePerson(Connection c, String nhid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("insert into registry_person (nhid) values (?) on conflict do nothing")) {
      ps.setString(1, nhid);
      ps.executeUpdate();
    }
  }

  static void link(Connection c, String patientId, String nhid, String band, Double score, String matched, String evidence,
      String by) throws SQLException {
    ensurePerson(c, nhid);
    try (PreparedStatement ps = c.prepareStatement("insert into registry_link (patient_id, nhid, band, score, matched_patient,"
        + " evidence, decided_by) values (?, ?, ?, ?, ?, ?, ?) on conflict (patient_id) do update set nhid = excluded.nhid,"
        + " band = excluded.band, score = excluded.score, matched_patient = excluded.matched_patient,"
        + " evidence = excluded.evidence, decided_by = excluded.decided_by, decided_at = now()")) {
      ps.setString(1, patientId);
      ps.setString(2, nhid);
      ps.setString(3, band);
      ps.setObject(4, score);
      ps.setString(5, matched);
      ps.setString(6, evidence);
      ps.setString(7, by);
      ps.executeUpdate();
    }
  }

  static void review(Connection c, String patientId, Registration.Candidate cand) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("insert into registry_review (patient_id, candidate_id, candidate_nhid, score,"
        + " evidence) values (?, ?, ?, ?, ?) on conflict do nothing")) {
      ps.setString(1, patientId);
      ps.setString(2, cand.patientId());
      ps.setString(3, cand.nhid());
      ps.setDouble(4, cand.score());
      ps.setString(5, cand.evidence());
      ps.executeUpdate();
    }
  }

  /**
   * A record moved by a steward from one person to another (a merge, or the undoing of one): its
   * link, the reviews it settles, the person it leaves (retired into the other when no record
   * carries that ID any more, brought back when a record takes it again) and the event.
   *
   * @param othersOnFrom whether other records still carry {@code from}
   */
  static void moved(Connection c, String patientId, String from, String to, boolean unmerge, boolean othersOnFrom, String by,
      String reason) throws SQLException {
    ensurePerson(c, from);
    link(c, patientId, to, "steward", null, null, reason, by);
    try (PreparedStatement ps = c.prepareStatement("update registry_person set merged_into = null, merged_at = null where nhid = ?")) {
      ps.setString(1, to);
      ps.executeUpdate();
    }
    if (!othersOnFrom) {
      try (PreparedStatement ps = c.prepareStatement("update registry_person set merged_into = ?, merged_at = now() where nhid = ?")) {
        ps.setString(1, to);
        ps.setString(2, from);
        ps.executeUpdate();
      }
    }
    // The queue's pairs this settles: the record and the person it joined are linked now.
    try (PreparedStatement ps = c.prepareStatement("update registry_review set status = 'linked', decided_by = ?, decided_at = now()"
        + " where status in ('open', 'deferred') and patient_id = ? and candidate_nhid = ?")) {
      ps.setString(1, by);
      ps.setString(2, patientId);
      ps.setString(3, to);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("insert into registry_event (kind, patient_id, from_nhid, to_nhid, by_agent, reason)"
        + " values (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, unmerge ? "PatientsUnmerged" : "PatientsMerged");
      ps.setString(2, patientId);
      ps.setString(3, from);
      ps.setString(4, to);
      ps.setString(5, by);
      ps.setString(6, reason);
      ps.executeUpdate();
    }
  }

  /** Whether this ID is a person the registry knows and has not retired. */
  static boolean retired(Connection c, String nhid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select merged_into from registry_person where nhid = ?")) {
      ps.setString(1, nhid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getString(1) != null;
      }
    }
  }
}
