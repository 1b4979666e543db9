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

  @Override
  public void check(String resourceType, Interaction interaction) {
    Actor actor = current();
    if (actor == null) throw new AccessDenied("Authentication required. / Authentification requise.");
    if (!actor.may(resourceType, interaction)) {
      String what = (resourceType.equals("*") ? "every resource type" : resourceType);
      throw new AccessDenied("Your access does not allow " + verb(interaction) + " " + what + " (scope "
          + (actor.system() ? "system/" : "user/") + resourceType + "." + interaction.letter + " needed). / Vos droits ne"
          + " permettent pas cette opération (" + verbFr(interaction) + " " + resourceType + ").");
    }
  }

  @Override
  public boolean mayRead(String resourceType) {
    Actor actor = current();
    return actor != null && actor.may(resourceType, Interaction.READ);
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
