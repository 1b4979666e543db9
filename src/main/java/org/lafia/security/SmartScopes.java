package org.lafia.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.lafia.fhir.spi.AccessPolicy.Interaction;

/**
 * SMART on FHIR scopes, v2 ({@code system/Observation.rs}, {@code user/*.cruds}) and v1
 * ({@code system/Patient.read}, {@code .write}, {@code .*}), reduced to what they allow: an
 * interaction on a resource type. Scopes that are not resource scopes ({@code openid},
 * {@code fhirUser}, {@code launch}) allow nothing here.
 */
final class SmartScopes {
  private record Grant(String type, String letters) {}

  /**
   * Types a wildcard scope does not cover: the audit trail is read by auditors (or a system given
   * {@code system/AuditEvent.rs} by name), not by everyone allowed {@code user/*.cruds}.
   */
  private static final java.util.Set<String> EXPLICIT_ONLY = java.util.Set.of("AuditEvent");

  private final List<Grant> grants;
  private final SmartScopes narrowedBy;

  private SmartScopes(List<Grant> grants) {
    this(grants, null);
  }

  private SmartScopes(List<Grant> grants, SmartScopes narrowedBy) {
    this.grants = grants;
    this.narrowedBy = narrowedBy;
  }

  static SmartScopes parse(Collection<String> scopes) {
    List<Grant> grants = new ArrayList<>();
    for (String scope : scopes) {
      Grant g = grant(scope);
      if (g != null) grants.add(g);
    }
    return new SmartScopes(grants);
  }

  /** The grant a scope names, or null if it is not a resource scope. */
  private static Grant grant(String scope) {
    int slash = scope.indexOf('/');
    int dot = scope.lastIndexOf('.');
    if (slash < 0 || dot < slash) return null;
    String context = scope.substring(0, slash);
    if (!context.equals("system") && !context.equals("user") && !context.equals("patient")) return null;
    String type = scope.substring(slash + 1, dot);
    String perms = scope.substring(dot + 1);
    // SMART v2 fine-grained scopes (system/Observation.rs?category=laboratory) are not enforced
    // yet: such a scope grants nothing rather than the whole type.
    if (perms.indexOf('?') >= 0) return null;
    String letters = switch (perms) {
      case "read" -> "rs";
      case "write" -> "cud";
      case "*" -> "cruds";
      default -> perms.matches("c?r?u?d?s?") && !perms.isEmpty() ? perms : null;
    };
    return letters == null || type.isEmpty() ? null : new Grant(type, letters);
  }

  boolean allows(String type, Interaction interaction) {
    if (narrowedBy != null && !narrowedBy.permits(type, interaction, true)) return false;
    return permits(type, interaction, false);
  }

  /**
   * @param asLimit the scopes narrow a role's grants: there a wildcard leaves every type as the
   *     role has it, the audit trail included
   */
  private boolean permits(String type, Interaction interaction, boolean asLimit) {
    for (Grant g : grants) {
      boolean covers = g.type.equals(type) || g.type.equals("*") && (asLimit || !EXPLICIT_ONLY.contains(type));
      if (covers && g.letters.indexOf(interaction.letter) >= 0) return true;
    }
    return false;
  }

  /** What both allow: an interaction on a type is allowed when each of them allows it. */
  SmartScopes and(SmartScopes other) {
    return new SmartScopes(grants, other);
  }

  boolean isEmpty() {
    return grants.isEmpty();
  }
}
