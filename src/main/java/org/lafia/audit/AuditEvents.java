package org.lafia.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.lafia.fhir.spi.ProvidedResources;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit trail as FHIR {@code AuditEvent}s (IHE Basic Audit Log Patterns' shape), read-only,
 * for auditors: {@code AuditEvent?patient=…&date=ge…&date=lt…}, newest first. Each entry carries
 * its chain position and hash once sealed.
 */
final class AuditEvents implements ProvidedResources {
  static final String CHAIN_EXTENSION = "http://lafia.health/fhir/StructureDefinition/audit-chain";
  private static final Set<String> PARAMS = Set.of("patient", "date", "agent", "agent-name", "altid", "entity", "action",
      "outcome", "subtype", "address", "_id");
  private static final String COLUMNS = "seq, recorded, action, subtype, outcome, agent, agent_kind, agent_roles, source_ip,"
      + " patients, entities, query, purpose, detail, chain_pos, hash";

  private final JdbcTemplate jdbc;
  private final FhirContext ctx;

  /** Writes this node's queued audit entries first, so that an auditor sees the latest accesses. */
  private final Runnable flushTrail;

  AuditEvents(DataSource dataSource, FhirContext ctx, Runnable flushTrail) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.ctx = ctx;
    this.flushTrail = flushTrail;
  }

  @Override
  public Set<String> types() {
    return Set.of("AuditEvent");
  }

  @Override
  public Page search(String type, Map<String, List<String>> params, int count, String cursor) {
    flushTrail.run();
    StringBuilder where = new StringBuilder("true");
    List<Object> args = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      String name = e.getKey();
      if (!PARAMS.contains(name)) {
        throw new IllegalArgumentException("AuditEvent searches take " + String.join(", ", new java.util.TreeSet<>(PARAMS))
            + "; not '" + name + "'. / Paramètre de recherche non pris en charge pour AuditEvent.");
      }
      for (String value : e.getValue()) {
        List<String> any = List.of(value.split(","));
        switch (name) {
          case "patient" -> {
            where.append(" and patients && ?::text[]");
            args.add(any.stream().map(v -> v.replaceFirst("^.*Patient/", "")).toArray(String[]::new));
          }
          case "entity" -> {
            where.append(" and entities && ?::text[]");
            args.add(any.stream().map(v -> v.replaceFirst("^https?://[^ ]*/fhir/", "")).toArray(String[]::new));
          }
          case "agent", "agent-name", "altid" -> {
            where.append(" and agent = any(?::text[])");
            args.add(any.stream().map(v -> v.replaceFirst("^.*/", "")).toArray(String[]::new));
          }
          case "action" -> {
            where.append(" and action = any(?::text[])");
            args.add(any.toArray(String[]::new));
          }
          case "subtype" -> {
            where.append(" and subtype = any(?::text[])");
            args.add(any.stream().map(v -> v.replaceFirst("^.*\\|", "")).toArray(String[]::new));
          }
          case "outcome" -> {
            where.append(" and outcome::text = any(?::text[])");
            args.add(any.toArray(String[]::new));
          }
          case "address" -> {
            where.append(" and source_ip = any(?::text[])");
            args.add(any.toArray(String[]::new));
          }
          case "_id" -> {
            where.append(" and seq::text = any(?::text[])");
            args.add(any.toArray(String[]::new));
          }
          default -> date(value, where, args);
        }
      }
    }
    if (cursor != null) {
      if (!cursor.matches("\\d{1,18}")) throw new IllegalArgumentException("Invalid _cursor.");
      where.append(" and seq < ?");
      args.add(Long.parseLong(cursor));
    }
    args.add(count + 1);
    List<Object[]> rows = new ArrayList<>();
    Set<String> patients = new LinkedHashSet<>();
    List<Item> items = new ArrayList<>();
    jdbc.query(con -> {
      var ps = con.prepareStatement("select " + COLUMNS + " from audit_event where " + where + " order by seq desc limit ?");
      for (int i = 0; i < args.size(); i++) {
        Object a = args.get(i);
        if (a instanceof String[] arr) ps.setArray(i + 1, con.createArrayOf("text", arr));
        else ps.setObject(i + 1, a);
      }
      return ps;
    }, rs -> {
      if (items.size() < count) {
        AuditEvent ae = toFhir(rs);
        for (Object p : (Object[]) rs.getArray(10).getArray()) patients.add((String) p);
        items.add(new Item(ae.getIdElement().getIdPart(), rs.getTimestamp(2).toInstant(), encode(ae)));
      } else {
        rows.add(new Object[0]); // one more row: there is a next page
      }
    });
    String next = rows.isEmpty() || items.isEmpty() ? null : items.get(items.size() - 1).id();
    return new Page(items, next, new ArrayList<>(patients));
  }

  @Override
  public Item read(String type, String id) {
    flushTrail.run();
    if (!id.matches("\\d{1,18}")) return null;
    List<Item> found = jdbc.query("select " + COLUMNS + " from audit_event where seq = ?", (rs, i) -> {
      AuditEvent ae = toFhir(rs);
      return new Item(ae.getIdElement().getIdPart(), rs.getTimestamp(2).toInstant(), encode(ae));
    }, Long.parseLong(id));
    return found.isEmpty() ? null : found.get(0);
  }

  /** {@code date=[prefix]instant}: eq (the default) covers the value's whole precision, as FHIR says. */
  private static void date(String value, StringBuilder where, List<Object> args) {
    String prefix = value.length() > 2 && value.substring(0, 2).matches("eq|ne|gt|lt|ge|le|sa|eb") ? value.substring(0, 2) : "eq";
    String v = prefix.equals("eq") && !value.startsWith("eq") ? value : value.substring(2);
    DateTimeType dt;
    try {
      dt = new DateTimeType(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("date takes a FHIR date or dateTime with an optional prefix (ge, lt...), not '" + value + "'.");
    }
    if (dt.getValue() == null) throw new IllegalArgumentException("date has no value: '" + value + "'.");
    Instant low = dt.getValue().toInstant();
    DateTimeType end = dt.copy();
    end.add(switch (dt.getPrecision()) {
      case YEAR -> java.util.Calendar.YEAR;
      case MONTH -> java.util.Calendar.MONTH;
      case DAY -> java.util.Calendar.DATE;
      case MINUTE -> java.util.Calendar.MINUTE;
      case SECOND -> java.util.Calendar.SECOND;
      default -> java.util.Calendar.MILLISECOND;
    }, 1);
    Instant high = end.getValue().toInstant();
    switch (prefix) {
      case "ge" -> { where.append(" and recorded >= ?"); args.add(Timestamp.from(low)); }
      case "gt", "sa" -> { where.append(" and recorded >= ?"); args.add(Timestamp.from(high)); }
      case "le" -> { where.append(" and recorded < ?"); args.add(Timestamp.from(high)); }
      case "lt", "eb" -> { where.append(" and recorded < ?"); args.add(Timestamp.from(low)); }
      case "ne" -> { where.append(" and (recorded < ? or recorded >= ?)"); args.add(Timestamp.from(low)); args.add(Timestamp.from(high)); }
      default -> { where.append(" and recorded >= ? and recorded < ?"); args.add(Timestamp.from(low)); args.add(Timestamp.from(high)); }
    }
  }

  private AuditEvent toFhir(ResultSet rs) throws SQLException {
    AuditEvent ae = new AuditEvent();
    String subtype = rs.getString(4);
    ae.setId(Long.toString(rs.getLong(1)));
    ae.getMeta().setLastUpdated(rs.getTimestamp(2));
    boolean signIn = subtype.equals("login") || subtype.equals("logout") || subtype.startsWith("token");
    ae.setType(signIn ? new Coding("http://dicom.nema.org/resources/ontology/DCM", "110114", "User Authentication")
        : new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
    ae.addSubtype(Set.of("read", "vread", "update", "patch", "delete", "history", "create", "search", "transaction", "batch")
        .contains(subtype) ? new Coding("http://hl7.org/fhir/restful-interaction", subtype, subtype)
        : new Coding("http://lafia.health/fhir/CodeSystem/audit-subtype", subtype, subtype));
    ae.setAction(AuditEvent.AuditEventAction.fromCode(rs.getString(3)));
    ae.setRecorded(rs.getTimestamp(2));
    ae.setOutcome(AuditEvent.AuditEventOutcome.fromCode(Integer.toString(rs.getInt(5))));
    if (rs.getString(14) != null) ae.setOutcomeDesc(rs.getString(14));
    AuditEvent.AuditEventAgentComponent agent = ae.addAgent().setRequestor(true);
    String kind = rs.getString(7);
    agent.setType(new CodeableConcept(kind.equals("S")
        ? new Coding("http://dicom.nema.org/resources/ontology/DCM", "110150", "Application")
        : new Coding("http://terminology.hl7.org/CodeSystem/extra-security-role-type", "humanuser", "human user")));
    agent.setWho(new Reference().setIdentifier(new Identifier().setSystem("urn:lafia:" + (kind.equals("S") ? "client" : "login"))
        .setValue(rs.getString(6))).setDisplay(rs.getString(6)));
    for (Object role : (Object[]) rs.getArray(8).getArray()) agent.addRole(new CodeableConcept().setText((String) role));
    if (rs.getString(9) != null) {
      agent.getNetwork().setAddress(rs.getString(9)).setType(AuditEvent.AuditEventAgentNetworkType._2);
    }
    String purpose = rs.getString(13);
    if (purpose != null) {
      CodeableConcept why = new CodeableConcept().setText(purpose);
      if (purpose.startsWith("break-the-glass")) why.addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "BTG", "break the glass"));
      agent.addPurposeOfUse(why);
      ae.addPurposeOfEvent(why);
    }
    ae.getSource().setObserver(new Reference().setDisplay("Lafia")).setSite("Lafia");
    for (Object p : (Object[]) rs.getArray(10).getArray()) {
      ae.addEntity().setWhat(new Reference("Patient/" + p)).setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
    }
    for (Object e : (Object[]) rs.getArray(11).getArray()) {
      if (!((String) e).startsWith("Patient/")) ae.addEntity().setWhat(new Reference((String) e));
    }
    if (rs.getString(12) != null) ae.addEntity().setQuery(rs.getString(12).getBytes(StandardCharsets.UTF_8)).setDescription("query");
    if (rs.getObject(15) != null) {
      ae.addExtension(CHAIN_EXTENSION, new StringType(rs.getLong(15) + ":" + HexFormat.of().formatHex(rs.getBytes(16))));
    }
    return ae;
  }

  private String encode(AuditEvent ae) {
    IParser p = ctx.newJsonParser();
    return p.encodeResourceToString(ae);
  }
}
