package org.lafia.security;

import java.util.Arrays;
import java.util.List;
import org.lafia.fhir.spi.AuditSink;

/**
 * What a national administrator does to people's accounts: create one, change its roles,
 * facilities and territories, disable it, lift a lock-out. Every change is checked (the caller
 * must be a national administrator; roles must exist; a new password must be long enough) and
 * recorded in the audit trail under the administrator's name.
 */
public final class AccountAdministration {
  /** A refusal an administrator can act on (bad value) or may not get round (not an administrator). */
  public static final class Refused extends RuntimeException {
    public final boolean forbidden;

    Refused(String message, boolean forbidden) {
      super(message);
      this.forbidden = forbidden;
    }
  }

  static final int MIN_PASSWORD = 12;

  private final Accounts accounts;
  private final AuditSink audit;
  /** The console's tokens, renewed at once after a change (absent with an external issuer). */
  private final org.springframework.beans.factory.ObjectProvider<PersonTokens> tokens;

  AccountAdministration(Accounts accounts, AuditSink audit, org.springframework.beans.factory.ObjectProvider<PersonTokens> tokens) {
    this.accounts = accounts;
    this.audit = audit;
    this.tokens = tokens;
  }

  /** Whether {@code login} may administer accounts. */
  public boolean administers(String login) {
    return accounts.find(login).map(a -> a.enabled() && a.roles().contains(Role.NATIONAL_ADMIN.code)).orElse(false);
  }

  public List<Accounts.Account> list(String by) {
    require(by);
    return accounts.all();
  }

  /**
   * Creates {@code login} (a password is then required) or changes it (the password, if given, is
   * replaced too).
   */
  public void save(String by, String login, String displayName, String password, List<String> roles, List<String> facilities,
      List<String> territories, boolean enabled) {
    require(by);
    if (login == null || !login.matches("[a-z0-9][a-z0-9._-]{1,62}")) {
      throw new Refused("L'identifiant s'écrit en minuscules, chiffres, « . », « _ » ou « - » (2 à 63 caractères). / Login: lower-case"
          + " letters, digits, '.', '_' or '-' (2 to 63 characters).", false);
    }
    if (displayName == null || displayName.isBlank()) throw new Refused("Le nom est obligatoire. / The name is required.", false);
    for (String r : roles) {
      if (Role.of(r) == null) {
        throw new Refused("Rôle inconnu « " + r + " » / Unknown role '" + r + "'; known: " + Arrays.toString(Role.values()), false);
      }
    }
    if (roles.isEmpty()) throw new Refused("Donnez au moins un rôle. / Give at least one role.", false);
    if (login.equals(by) && !roles.contains(Role.NATIONAL_ADMIN.code)) {
      throw new Refused("Vous ne pouvez pas retirer votre propre rôle d'administrateur. / You cannot remove your own administrator role.", false);
    }
    boolean exists = accounts.find(login).isPresent();
    if (password != null && !password.isEmpty() && password.length() < MIN_PASSWORD) {
      throw new Refused("Le mot de passe compte au moins " + MIN_PASSWORD + " caractères. / The password has at least " + MIN_PASSWORD
          + " characters.", false);
    }
    if (!exists && (password == null || password.isEmpty())) {
      throw new Refused("Un nouveau compte demande un mot de passe initial. / A new account needs an initial password.", false);
    }
    if (password != null && !password.isEmpty()) {
      accounts.save(login, displayName.trim(), password, roles, facilities, territories);
    }
    accounts.update(login, displayName.trim(), roles, facilities, territories, enabled);
    tokens.ifAvailable(t -> t.forget(login));
    audit.record(new AuditSink.Access(exists ? 'U' : 'C', "account", 0, List.of(), List.of("Account/" + login), null,
        "roles=" + roles + " facilities=" + facilities + " territories=" + territories + " enabled=" + enabled
            + (password != null && !password.isEmpty() ? " password set" : "")));
  }

  public void unlock(String by, String login) {
    require(by);
    if (accounts.find(login).isEmpty()) throw new Refused("Compte inconnu. / No such account.", false);
    accounts.unlock(login);
    audit.record(new AuditSink.Access('U', "account-unlock", 0, List.of(), List.of("Account/" + login), null, "lock-out lifted"));
  }

  private void require(String by) {
    if (!administers(by)) {
      audit.record(new AuditSink.Access('E', "account", 4, List.of(), List.of(), null, "account administration refused to " + by));
      throw new Refused("Réservé aux administrateurs nationaux. / For national administrators only.", true);
    }
  }
}
