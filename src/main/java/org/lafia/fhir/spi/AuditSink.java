package org.lafia.fhir.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The port through which the FHIR module reports every access to data, implemented by the audit
 * module. Writes are recorded on the writing transaction's own connection, so the entry commits
 * or rolls back with the write; reads and refusals are recorded right after they happen. The
 * implementation knows who is calling and from where.
 */
public interface AuditSink {

  /**
   * One access, in the terms of FHIR's AuditEvent.
   *
   * @param action C, R, U, D or E (execute)
   * @param subtype the FHIR interaction: read, vread, search, history, create, update, patch, delete,
   *     transaction, batch, or an operation's name
   * @param outcome 0 success, 4 minor failure (refused), 8 serious failure
   * @param patients ids of the patients whose data was touched
   * @param entities "Type/id" of what was touched (a bounded sample for large results)
   * @param query the search or operation as asked, or null
   * @param detail a short description, e.g. the refusal's reason
   */
  record Access(char action, String subtype, int outcome, List<String> patients, List<String> entities, String query,
      String detail) {}

  void recordInTransaction(Connection c, Access access) throws SQLException;

  void record(Access access);

  /** Records nothing: for a store used without the audit module (tools, storage tests). */
  AuditSink NONE = new AuditSink() {
    @Override
    public void recordInTransaction(Connection c, Access access) {}

    @Override
    public void record(Access access) {}
  };
}
