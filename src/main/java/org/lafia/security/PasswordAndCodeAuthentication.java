package org.lafia.security;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Sign-in with a password and, for administrative roles, a TOTP code typed on the same form. A
 * locked account is refused before its password is even checked; a wrong code counts as a failed
 * sign-in toward the lock-out, like a wrong password.
 */
final class PasswordAndCodeAuthentication extends DaoAuthenticationProvider {

  /** The login form's extra field. */
  static final class Details extends WebAuthenticationDetails {
    private final String code;

    Details(HttpServletRequest request) {
      super(request);
      this.code = request.getParameter("code");
    }

    String code() {
      return code;
    }
  }

  /** An administrative account signed in without (a valid) second factor. */
  static final class CodeRequired extends BadCredentialsException {
    CodeRequired(String message) {
      super(message);
    }
  }

  private final Accounts accounts;

  PasswordAndCodeAuthentication(Accounts accounts, PasswordEncoder passwords) {
    super(passwords);
    setUserDetailsService(accounts.userDetails());
    this.accounts = accounts;
  }

  /**
   * The signed-in token keeps Spring's own details type, not ours: the authorization server stores
   * the principal as JSON and reads back only allow-listed types (the code is not kept anyway).
   */
  @Override
  protected org.springframework.security.core.Authentication createSuccessAuthentication(Object principal,
      org.springframework.security.core.Authentication authentication, UserDetails user) {
    UsernamePasswordAuthenticationToken result =
        (UsernamePasswordAuthenticationToken) super.createSuccessAuthentication(principal, authentication, user);
    if (authentication.getDetails() instanceof WebAuthenticationDetails d) {
      result.setDetails(new WebAuthenticationDetails(d.getRemoteAddress(), d.getSessionId()));
    }
    return result;
  }

  @Override
  protected void additionalAuthenticationChecks(UserDetails user, UsernamePasswordAuthenticationToken auth) {
    super.additionalAuthenticationChecks(user, auth);
    Accounts.Account account = accounts.find(user.getUsername()).orElseThrow(() -> new BadCredentialsException("Bad credentials"));
    if (!account.administrative()) return;
    if (account.totpSecret() == null) {
      throw new CodeRequired("An administrative account needs a second factor enrolled before it can sign in.");
    }
    String code = auth.getDetails() instanceof Details d ? d.code() : null;
    if (!SecondFactor.verify(account.totpSecret(), code, Instant.now())) {
      throw new CodeRequired("Administrative accounts sign in with a valid code from their authenticator app.");
    }
  }
}
