package org.lafia.security;

import org.lafia.fhir.spi.AccessDenied;
import org.lafia.fhir.spi.AccessPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The FHIR module's access port, implemented from the caller's verified token: a system client
 * is held to its SMART scopes, a person to the scopes of their roles (narrowed by the token's
 * {@code user/} scopes, if it has any).
 */
final class ScopeAccessPolicy implements AccessPolicy {
  /**
   * Systems and national roles see every record; a facility's staff see the records of patients
   * in care at their facilities, plus those they opened by break-the-glass; surveillance staff see
   * the aggregates of their facilities and territories, and the patients in care there only with
   * a case-level role. A person with several roles reaches as far as the widest of them.
   */
  @Override
  public org.lafia.fhir.spi.PatientScope patientScope() {
    Authentication a = SecurityContextHolder.getContext().getAuthentication();
    if (!(a instanceof ActorAuthentication aa)) return org.lafia.fhir.spi.PatientScope.NONE;
    return aa.scope(actor -> {
      if (actor.system()) return org.lafia.fhir.spi.PatientScope.ALL;
      boolean facilityCases = false;
      boolean territoryCases = false;
      boolean territorial = false;
      boolean known = false;
      for (String code : actor.roles()) {
        Role r = Role.of(code);
        if (r == null) continue;
        known = true;
        switch (r.reach()) {
          case NATIONAL -> {
            return org.lafia.fhir.spi.PatientScope.ALL;
          }
          case FACILITY -> facilityCases = true;
          case TERRITORY_CASES -> {
            facilityCases = true;
            territoryCases = true;
            territorial = true;
          }
          case TERRITORY_AGGREGATES -> territorial = true;
        }
      }
      if (!known) return org.lafia.fhir.spi.PatientScope.NONE;
      return new org.lafia.fhir.spi.PatientScope(false, actor.facilities(), facilityCases,
          territorial ? actor.territories() : java.util.List.of(), territoryCases,
          facilityCases ? BreakTheGlass.grantsOf(actor.subject()) : null);
    });
  }

  @Override
  public void check(String resourceType, Interaction interaction) {
    Actor actor = current();
    if (actor == null) throw new AccessDenied("Authentication required. / Authentification requise.");
    if (!permissions().allows(resourceType, interaction)) {
      String what = (resourceType.equals("*") ? "every resource type" : resourceType);
      throw new AccessDenied("Your access does not allow " + verb(interaction) + " " + what + " (scope "
          + (actor.system() ? "system/" : "user/") + resourceType + "." + interaction.letter + " needed). / Vos droits ne"
          + " permettent pas cette opération (" + verbFr(interaction) + " " + resourceType + ").");
    }
  }

  @Override
  public boolean mayRead(String resourceType) {
    Actor actor = current();
    return actor != null && permissions().allows(resourceType, Interaction.READ);
  }

  /** The current request's permissions (its actor is known). */
  private static SmartScopes permissions() {
    return ((ActorAuthentication) SecurityContextHolder.getContext().getAuthentication()).permissions();
  }

  static Actor current() {
    Authentication a = SecurityContextHolder.getContext().getAuthentication();
    return a instanceof ActorAuthentication aa ? aa.actor() : null;
  }

  private static String verb(Interaction i) {
    return switch (i) {
      case CREATE -> "creating";
      case READ -> "reading";
      case UPDATE -> "updating";
      case DELETE -> "deleting";
      case SEARCH -> "searching";
    };
  }

  private static String verbFr(Interaction i) {
    return switch (i) {
      case CREATE -> "création de";
      case READ -> "lecture de";
      case UPDATE -> "modification de";
      case DELETE -> "suppression de";
      case SEARCH -> "recherche de";
    };
  }
}
