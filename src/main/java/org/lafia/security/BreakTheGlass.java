package org.lafia.security;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Emergency access: {@code POST /api/access/break-glass {"patient": id, "reason": "..."}} opens a
 * patient's record to the calling person at once, for {@link #DURATION}, whatever their care
 * relationships or the patient's consent. The reason is required; the grant and every access made
 * under it reach the audit trail marked as break-the-glass (event {@link GlassBroken}).
 */
@RestController
class BreakTheGlass {
  static final Duration DURATION = Duration.ofHours(4);

  record Request(String patient, String reason) {}

  private final JdbcTemplate jdbc;
  private final ApplicationEventPublisher events;

  BreakTheGlass(DataSource dataSource, ApplicationEventPublisher events) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.events = events;
  }

  @PostMapping(value = "/api/access/break-glass", produces = "application/json")
  ResponseEntity<?> breakGlass(@RequestBody(required = false) Request request) {
    Actor actor = Actor.current();
    if (actor == null || actor.system()) {
      return problem(403, "Break-the-glass is for people, not systems. / Le bris de glace est réservé aux personnes.");
    }
    if (request == null || request.patient() == null || !request.patient().matches("[A-Za-z0-9\\-.]{1,64}")) {
      return problem(400, "Name the patient by id: {\"patient\": \"<id>\", \"reason\": \"...\"}. / Indiquez l'identifiant du patient.");
    }
    if (request.reason() == null || request.reason().strip().length() < 10) {
      return problem(400, "State why you need this record (at least 10 characters); auditors will read it. / Motivez"
          + " votre demande (10 caractères au moins) : elle sera lue par les auditeurs.");
    }
    Instant until = Instant.now().plus(DURATION);
    jdbc.update("insert into sec_access_grant (login, patient_id, reason, expires) values (?, ?, ?, ?)",
        actor.subject(), request.patient(), request.reason().strip(), Timestamp.from(until));
    events.publishEvent(new GlassBroken(actor.subject(), actor.roles(), request.patient(), request.reason().strip(), until));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("patient", request.patient());
    body.put("until", until.toString());
    body.put("notice", "Access granted and recorded; auditors will review it. / Accès accordé et journalisé ; il sera revu par les auditeurs.");
    return ResponseEntity.status(201).body(body);
  }

  /** The person's grants, as part of the statements that test access (see PatientScope.Grants). */
  static org.lafia.fhir.spi.PatientScope.Grants grantsOf(String login) {
    return new org.lafia.fhir.spi.PatientScope.Grants("select patient_id from sec_access_grant where login = ? and expires > now()", login);
  }

  private static ResponseEntity<ProblemDetail> problem(int status, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(org.springframework.http.HttpStatus.valueOf(status), detail);
    return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(p);
  }
}
