package org.lafia.security;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The people who sign in to the built-in identity provider ({@code sec_user}): their password
 * hash (Argon2id), roles, facilities and territories, second factor, and lock-out counter. The
 * counter is in the database so that a lock holds on every node.
 */
public final class Accounts {

  /** A person's account as stored (never the password hash). */
  public record Account(String login, String displayName, List<String> roles, List<String> facilities,
      List<String> territories, String locale, boolean enabled, int failedLogins, Instant lockedUntil, String totpSecret) {

    public boolean administrative() {
      return roles.stream().map(Role::of).anyMatch(r -> r != null && r.administrative);
    }

    public boolean locked(Instant now) {
      return lockedUntil != null && lockedUntil.isAfter(now);
    }
  }

  private final JdbcTemplate jdbc;
  private final PasswordEncoder passwords;
  private final int maxFailed;
  private final java.time.Duration lockout;

  Accounts(DataSource dataSource, PasswordEncoder passwords, int maxFailed, java.time.Duration lockout) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.passwords = passwords;
    this.maxFailed = maxFailed;
    this.lockout = lockout;
  }

  /** Creates an account, or replaces its password, name, roles and attachments if the login exists. */
  public void save(String login, String displayName, String password, List<String> roles, List<String> facilities,
      List<String> territories) {
    for (String r : roles) {
      if (Role.of(r) == null) throw new IllegalArgumentException("Unknown role '" + r + "'; known: " + Arrays.toString(Role.values()));
    }
    jdbc.update("insert into sec_user (login, display_name, password_hash, roles, facilities, territories) values (?, ?, ?, ?, ?, ?)"
        + " on conflict (login) do update set display_name = excluded.display_name, password_hash = excluded.password_hash,"
        + " roles = excluded.roles, facilities = excluded.facilities, territories = excluded.territories",
        ps -> {
          ps.setString(1, login);
          ps.setString(2, displayName);
          ps.setString(3, passwords.encode(password));
          ps.setArray(4, ps.getConnection().createArrayOf("text", roles.toArray()));
          ps.setArray(5, ps.getConnection().createArrayOf("text", facilities.toArray()));
          ps.setArray(6, ps.getConnection().createArrayOf("text", territories.toArray()));
        });
  }

  /** Changes an existing account's name, roles, attachments and whether it may sign in (not its password); false if there is none. */
  boolean update(String login, String displayName, List<String> roles, List<String> facilities, List<String> territories, boolean enabled) {
    return jdbc.update("update sec_user set display_name = ?, roles = ?, facilities = ?, territories = ?, enabled = ? where login = ?",
        ps -> {
          ps.setString(1, displayName);
          ps.setArray(2, ps.getConnection().createArrayOf("text", roles.toArray()));
          ps.setArray(3, ps.getConnection().createArrayOf("text", facilities.toArray()));
          ps.setArray(4, ps.getConnection().createArrayOf("text", territories.toArray()));
          ps.setBoolean(5, enabled);
          ps.setString(6, login);
        }) == 1;
  }

  /** Lifts a lock-out now (an administrator's decision, audited by the caller). */
  void unlock(String login) {
    jdbc.update("update sec_user set failed_logins = 0, locked_until = null where login = ?", login);
  }

  /** Every account, by login (administration screens; a country has thousands, not millions). */
  public List<Account> all() {
    return jdbc.query("select login, display_name, roles, facilities, territories, locale, enabled, failed_logins,"
        + " locked_until, totp_secret from sec_user order by login", ACCOUNT);
  }

  /** Sets (or, with null, removes) the base32 TOTP secret of an account. */
  public void setTotpSecret(String login, String base32Secret) {
    jdbc.update("update sec_user set totp_secret = ? where login = ?", base32Secret, login);
  }

  public Optional<Account> find(String login) {
    return jdbc.query("select login, display_name, roles, facilities, territories, locale, enabled, failed_logins,"
        + " locked_until, totp_secret from sec_user where login = ?", ACCOUNT, login).stream().findFirst();
  }

  /**
   * The accounts as Spring Security reads them at sign-in. Deliberately not a bean: a global
   * {@code UserDetailsService} would give Spring Boot a second, password-only way in that skips
   * the second factor.
   */
  UserDetailsService userDetails() {
    return this::loadUserByUsername;
  }

  private UserDetails loadUserByUsername(String login) {
    List<UserDetails> found = jdbc.query("select login, password_hash, roles, enabled, locked_until from sec_user where login = ?",
        (rs, i) -> {
          Timestamp locked = rs.getTimestamp(5);
          return User.withUsername(rs.getString(1)).password(rs.getString(2))
              .authorities(Arrays.stream((String[]) rs.getArray(3).getArray()).map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList())
              .disabled(!rs.getBoolean(4))
              .accountLocked(locked != null && locked.toInstant().isAfter(Instant.now()))
              .build();
        }, login);
    if (found.isEmpty()) throw new UsernameNotFoundException("No account " + login);
    return found.get(0);
  }

  /** A failed sign-in: the account locks for {@code lockout} at the {@code maxFailed}-th in a row. */
  void failed(String login) {
    jdbc.update("update sec_user set"
        + " locked_until = case when failed_logins + 1 >= ? then now() + ? * interval '1 second' else locked_until end,"
        + " failed_logins = case when failed_logins + 1 >= ? then 0 else failed_logins + 1 end where login = ?",
        maxFailed, lockout.toSeconds(), maxFailed, login);
  }

  void succeeded(String login) {
    jdbc.update("update sec_user set failed_logins = 0, locked_until = null where login = ? and (failed_logins <> 0 or locked_until is not null)", login);
  }

  private static final RowMapper<Account> ACCOUNT = (rs, i) -> {
    Timestamp locked = rs.getTimestamp(9);
    return new Account(rs.getString(1), rs.getString(2), list(rs.getArray(3)), list(rs.getArray(4)), list(rs.getArray(5)),
        rs.getString(6), rs.getBoolean(7), rs.getInt(8), locked == null ? null : locked.toInstant(), rs.getString(10));
  };

  private static List<String> list(Array a) throws java.sql.SQLException {
    return a == null ? List.of() : List.of((String[]) a.getArray());
  }
}
