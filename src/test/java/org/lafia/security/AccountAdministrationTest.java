package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** National administrators manage accounts in the console; nobody else can, and every change is audited. */
@LafiaTest
class AccountAdministrationTest {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
  private static final String PASSWORD = "Administrer-Lafia-2026";

  @LocalServerPort int port;
  @Autowired Accounts accounts;
  @Autowired AccountAdministration admin;
  @Autowired JdbcTemplate jdbc;
  @Autowired PersonTokens tokens;

  private String administrator() {
    String login = "admin-" + UUID.randomUUID().toString().substring(0, 8);
    accounts.save(login, "Administrateur national", PASSWORD, List.of("national-admin"), List.of(), List.of("tg"));
    return login;
  }

  @Test
  void an_administrator_creates_changes_disables_and_unlocks_accounts_in_the_console_and_each_change_is_audited() throws Exception {
    String adminLogin = administrator();
    String secret = SecondFactor.newSecret();
    accounts.setTotpSecret(adminLogin, secret);
    Browser b = new Browser();
    b.signIn(adminLogin, PASSWORD, SecondFactor.codeAt(secret, Instant.now()));
    HttpResponse<String> page = b.get("/admin/users");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Comptes et rôles", adminLogin);
    assertThat(page.body().getBytes(StandardCharsets.UTF_8).length).as("the page budget").isLessThan(1024 * 1024);

    String nurse = "inf-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = b.post("/admin/users", "login=" + nurse + "&displayName=Akossiwa+Mensah&password=Infirmiere-2026-Lome"
        + "&roles=nurse&facilities=tg-fac-TG0303-006&enabled=on");
    assertThat(created.statusCode()).isEqualTo(302);
    assertThat(b.get("/admin/users").body()).contains("Compte « " + nurse + " » enregistré.");
    Accounts.Account a = accounts.find(nurse).orElseThrow();
    assertThat(a.roles()).containsExactly("nurse");
    assertThat(a.facilities()).containsExactly("tg-fac-TG0303-006");
    assertThat(a.enabled()).isTrue();
    assertThat(tokens.tokenFor(nurse)).isNotBlank(); // kept for four minutes, unless the account changes

    // Changed without a password: the password stays; disabled.
    b.post("/admin/users", "login=" + nurse + "&displayName=Akossiwa+Mensah&roles=nurse&roles=pharmacist&facilities=tg-fac-TG0303-006,tg-fac-TG0303-005");
    a = accounts.find(nurse).orElseThrow();
    assertThat(a.roles()).containsExactly("nurse", "pharmacist");
    assertThat(a.facilities()).containsExactly("tg-fac-TG0303-006", "tg-fac-TG0303-005");
    assertThat(a.enabled()).isFalse();
    assertThatThrownBy(() -> tokens.tokenFor(nurse)).as("no console token for a disabled account, at once")
        .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
    assertThat(jdbc.queryForObject("select password_hash from sec_user where login = ?", String.class, nurse)).isNotBlank();

    // A locked account is unlocked.
    for (int i = 0; i < 5; i++) accounts.failed(nurse);
    assertThat(accounts.find(nurse).orElseThrow().locked(Instant.now())).isTrue();
    assertThat(b.get("/admin/users").body()).contains("désactivé", "Déverrouiller");
    b.post("/admin/users/" + nurse + "/unlock", "");
    assertThat(accounts.find(nurse).orElseThrow().locked(Instant.now())).isFalse();

    // Bad input: said, nothing changed.
    b.post("/admin/users", "login=" + nurse + "&displayName=X&roles=sorcier");
    assertThat(b.get("/admin/users").body()).contains("Rôle inconnu");
    assertThat(accounts.find(nurse).orElseThrow().roles()).containsExactly("nurse", "pharmacist");

    // The audit trail names the administrator for each change.
    Thread.sleep(100);
    List<String> subtypes = jdbc.queryForList("select subtype from audit_event where agent = ? and ? = any(entities) order by seq",
        String.class, adminLogin, "Account/" + nurse);
    assertThat(subtypes).containsExactly("account", "account", "account-unlock");
  }

  @Test
  void nobody_but_a_national_administrator_may_administer_accounts() throws Exception {
    String clinician = "clin-" + UUID.randomUUID().toString().substring(0, 8);
    accounts.save(clinician, "Dr Kossi Amégan", PASSWORD, List.of("clinician"), List.of("tg-fac-TG0303-006"), List.of());
    Browser b = new Browser();
    b.signIn(clinician, PASSWORD, null);
    HttpResponse<String> refused = b.get("/admin/users");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("réservée aux administrateurs nationaux");
    assertThat(b.post("/admin/users", "login=" + clinician + "&displayName=X&roles=national-admin").statusCode()).isEqualTo(403);
    assertThat(accounts.find(clinician).orElseThrow().roles()).containsExactly("clinician");
    assertThatThrownBy(() -> admin.unlock(clinician, clinician)).isInstanceOf(AccountAdministration.Refused.class);
    String self = administrator();
    assertThatThrownBy(() -> admin.save(self, self, "Moi", null, List.of("auditor"), List.of(), List.of(), true))
        .hasMessageContaining("propre rôle");
    assertThatThrownBy(() -> admin.save(self, "nouveau-" + UUID.randomUUID().toString().substring(0, 6), "Nouveau", "court",
        List.of("nurse"), List.of(), List.of(), true)).hasMessageContaining("12");
  }

  /** A browser: cookies kept, redirects not followed. */
  private final class Browser {
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    String csrf;

    HttpResponse<String> get(String path) throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Accept", "text/html")
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = CSRF.matcher(r.body());
      if (m.find()) csrf = m.group(1);
      return r;
    }

    HttpResponse<String> post(String path, String form) throws Exception {
      if (csrf == null) get("/admin/users");
      String body = form + (form.isEmpty() ? "" : "&") + "_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
      return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    void signIn(String user, String password, String code) throws Exception {
      get("/login");
      HttpResponse<String> r = post("/login", "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
          + URLEncoder.encode(password, StandardCharsets.UTF_8) + (code == null ? "" : "&code=" + code));
      assertThat(r.headers().firstValue("Location").orElse("")).doesNotContain("error");
      csrf = null;
    }
  }
}
