package org.lafia.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The audit trail for auditors: who accessed which patient's data, when, from where, with what
 * outcome, and why when they broke the glass — searched by patient, person and day — and whether
 * the hash chain still verifies. Read through the API as the auditor ({@code AuditEvent},
 * {@code /api/audit/verify}); other roles are refused there, and here.
 */
@Controller
class AuditViewController {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsoleFhir fhir;

  AuditViewController(ConsoleFhir fhir) {
    this.fhir = fhir;
  }

  /** One access as the auditor's list shows it. */
  record Access(Date when, String who, String roles, String what, String patients, boolean success, String purpose,
      boolean breakTheGlass, String address) {}

  @GetMapping("/audit")
  String audit(@RequestParam(required = false) String patient, @RequestParam(required = false) String agent,
      @RequestParam(required = false) String day, Authentication auth, HttpServletRequest request,
      jakarta.servlet.http.HttpServletResponse response, Model model) throws Exception {
    model.addAttribute("patient", patient);
    model.addAttribute("agent", agent);
    model.addAttribute("day", day);
    StringBuilder q = new StringBuilder("AuditEvent?_count=100");
    if (patient != null && !patient.isBlank()) q.append("&patient=").append(enc(patient.trim()));
    if (agent != null && !agent.isBlank()) q.append("&agent-name=").append(enc(agent.trim()));
    if (day != null && !day.isBlank()) {
      if (!day.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
        model.addAttribute("problem", "audit.error.day");
        model.addAttribute("accesses", List.of());
        return "audit";
      }
      q.append("&date=").append(day);
    }
    ConsoleFhir.Answer a = fhir.search(request, auth.getName(), q.toString());
    if (!a.ok()) {
      response.setStatus(a.status() == 403 ? 403 : 502);
      model.addAttribute("problem", a.status() == 403 ? "audit.forbidden" : "audit.error");
      return "refused";
    }
    List<Access> accesses = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (!(e.getResource() instanceof AuditEvent ae)) continue;
      AuditEvent.AuditEventAgentComponent who = ae.getAgentFirstRep();
      List<String> patients = new ArrayList<>();
      ae.getEntity().stream().filter(x -> x.getWhat().getReference() != null && x.getWhat().getReference().startsWith("Patient/"))
          .forEach(x -> patients.add(x.getWhat().getReferenceElement().getIdPart()));
      String purpose = ae.hasPurposeOfEvent() ? ae.getPurposeOfEventFirstRep().getText() : null;
      boolean btg = ae.getPurposeOfEvent().stream().flatMap(c -> c.getCoding().stream()).anyMatch(c -> "BTG".equals(c.getCode()));
      accesses.add(new Access(ae.getRecorded(), who.getWho().getDisplay(),
          String.join(", ", who.getRole().stream().map(CodeableConcept::getText).toList()),
          ae.getSubtypeFirstRep().hasCode() ? ae.getSubtypeFirstRep().getCode() : ae.getType().getDisplay(),
          String.join(", ", patients), "0".equals(ae.getOutcome() == null ? null : ae.getOutcome().toCode()), purpose, btg,
          who.getNetwork().getAddress()));
    }
    model.addAttribute("accesses", accesses);
    // Since the last signed checkpoint (cheap on a long trail); the whole chain while none is signed yet.
    HttpResponse<String> v = fhir.get(request, auth.getName(), "/api/audit/verify?since=latest", "application/json");
    if (v.statusCode() == 404) v = fhir.get(request, auth.getName(), "/api/audit/verify", "application/json");
    if (v.statusCode() == 200) {
      JsonNode n = JSON.readTree(v.body());
      model.addAttribute("intact", n.path("intact").asBoolean());
      model.addAttribute("checked", n.path("checked").asLong());
    }
    return "audit";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
