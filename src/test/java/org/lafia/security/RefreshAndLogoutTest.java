package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.platform.DatabaseProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Refresh tokens of a confidential web application (the demo EMR client), their rotation and
 * revocation, and the two ways a person signs out (the console's form, OpenID Connect
 * RP-initiated logout), over real HTTP with a browser's cookies.
 */
@LafiaTest
class RefreshAndLogoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** A loopback address: registered without a port, accepted with any (RFC 8252). */
  private static final String EMR_CALLBACK = "http://127.0.0.1:8081/callback";
  private static final String CONSOLE_CALLBACK = "http://lafia.test/console/callback";
  private static final String PASSWORD = "Un mot de passe de garde 2026";

  @LocalServerPort int port;
  @Autowired Accounts accounts;
  @Autowired SystemClients systemClients;
  @Autowired WebClients webClients;
  @Autowired SecurityProperties props;
  @Autowired DatabaseProperties db;
  @Autowired DataSource dataSource;

  @BeforeEach
  void demoAccounts() {
    DemoAccounts.ensure(accounts, systemClients, webClients, props, Path.of(db.dataDir()));
  }

  private SignIn emr() {
    return new SignIn(port, EMR_CALLBACK, DemoAccounts.WEB_CLIENT, DemoAccounts.WEB_CLIENT_SECRET);
  }

  private static JsonNode tokens(SignIn.Result r) {
    assertThat(r.error()).isNull();
    assertThat(r.tokens().path("access_token").asText()).as(r.tokens().toString()).isNotBlank();
    return r.tokens();
  }

  private static HttpResponse<String> refresh(SignIn client, String refreshToken) throws Exception {
    return client.post("/oauth2/token", "grant_type=refresh_token&refresh_token=" + SignIn.enc(refreshToken));
  }

  private static String error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).path("error").asText();
  }

  private int fhirStatus(String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient?_count=1"))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private String newClinician() {
    String login = "clin-" + UUID.randomUUID().toString().substring(0, 8);
    accounts.save(login, "Yawa Clinicienne", PASSWORD, List.of("clinician"), List.of("fac-1"), List.of());
    return login;
  }

  private List<String> signOuts(String login) {
    return new JdbcTemplate(dataSource).queryForList(
        "select subtype from audit_event where subtype = 'logout' and agent = ?", String.class, login);
  }

  @Test
  void a_web_application_refreshes_its_access_token_and_each_refresh_token_works_once() throws Exception {
    SignIn emr = emr();
    JsonNode first = tokens(emr.as("clinicien", DemoAccounts.PASSWORD, null));
    String refresh1 = first.path("refresh_token").asText();
    assertThat(refresh1).as("a confidential client gets a refresh token").isNotBlank();
    assertThat(first.path("id_token").asText()).isNotBlank();

    HttpResponse<String> r = refresh(emr, refresh1);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode second = JSON.readTree(r.body());
    String access2 = second.path("access_token").asText();
    String refresh2 = second.path("refresh_token").asText();
    assertThat(access2).isNotBlank().isNotEqualTo(first.path("access_token").asText());
    assertThat(refresh2).as("rotation: a new refresh token").isNotBlank().isNotEqualTo(refresh1);
    // The refreshed token is the person's, with their role, and opens the FHIR API.
    JWTClaimsSet claims = SignedJWT.parse(access2).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("clinicien");
    assertThat(claims.getStringListClaim("roles")).containsExactly("clinician");
    assertThat(fhirStatus(access2)).isEqualTo(200);

    // The refresh token used is refused now; its successor still works.
    HttpResponse<String> replay = refresh(emr, refresh1);
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(error(replay)).isEqualTo("invalid_grant");
    assertThat(refresh(emr, refresh2).statusCode()).isEqualTo(200);

    // Without the client's secret, or with a wrong one, no refresh.
    SignIn impostor = new SignIn(port, EMR_CALLBACK, DemoAccounts.WEB_CLIENT, "not-the-secret-at-all");
    HttpResponse<String> wrongSecret = refresh(impostor, refresh2);
    assertThat(wrongSecret.statusCode()).isEqualTo(401);
    assertThat(error(wrongSecret)).isEqualTo("invalid_client");
  }

  @Test
  void the_secret_is_stored_hashed_and_the_public_console_gets_no_refresh_token() throws Exception {
    String stored = new JdbcTemplate(dataSource).queryForObject(
        "select client_secret from oauth2_registered_client where client_id = ?", String.class, DemoAccounts.WEB_CLIENT);
    assertThat(stored).startsWith("{argon2").doesNotContain(DemoAccounts.WEB_CLIENT_SECRET);
    JsonNode console = tokens(new SignIn(port, CONSOLE_CALLBACK).as(newClinician(), PASSWORD, null));
    assertThat(console.has("refresh_token")).isFalse();
  }

  @Test
  void a_disabled_account_gets_no_new_token_from_its_refresh_token() throws Exception {
    String login = newClinician();
    SignIn emr = emr();
    JsonNode t = tokens(emr.as(login, PASSWORD, null));
    new JdbcTemplate(dataSource).update("update sec_user set enabled = false where login = ?", login);
    HttpResponse<String> r = refresh(emr, t.path("refresh_token").asText());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(error(r)).isEqualTo("invalid_grant");
  }

  @Test
  void refresh_tokens_stop_being_renewed_when_the_sign_in_is_older_than_the_session_maximum() throws Exception {
    String login = newClinician();
    SignIn emr = emr();
    String refreshToken = tokens(emr.as(login, PASSWORD, null)).path("refresh_token").asText();
    HttpResponse<String> fresh = refresh(emr, refreshToken);
    assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
    String renewed = JSON.readTree(fresh.body()).path("refresh_token").asText();
    // The same authorization, its sign-in moved back past the maximum age (12 h by default).
    int moved = new JdbcTemplate(dataSource).update("update oauth2_authorization set authorization_code_issued_at ="
        + " authorization_code_issued_at - ?::interval where principal_name = ?", props.sessionMaxAge().plusMinutes(1).toSeconds() + " seconds", login);
    assertThat(moved).isEqualTo(1);
    HttpResponse<String> stale = refresh(emr, renewed);
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(400);
    assertThat(error(stale)).isEqualTo("invalid_grant");
    assertThat(JSON.readTree(stale.body()).path("error_description").asText()).contains("reconnectez-vous").contains("sign in again");
  }

  @Test
  void a_revoked_refresh_token_is_refused() throws Exception {
    SignIn emr = emr();
    String refreshToken = tokens(emr.as(newClinician(), PASSWORD, null)).path("refresh_token").asText();
    HttpResponse<String> revoked = emr.post("/oauth2/revoke",
        "token=" + SignIn.enc(refreshToken) + "&token_type_hint=refresh_token");
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    HttpResponse<String> r = refresh(emr, refreshToken);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r)).isEqualTo("invalid_grant");
  }

  @Test
  void signing_out_of_the_console_ends_the_session_and_needs_the_csrf_token() throws Exception {
    String login = newClinician();
    SignIn browser = new SignIn(port, CONSOLE_CALLBACK);
    tokens(browser.as(login, PASSWORD, null));
    assertThat(browser.authorizeAgain()).as("signed in: straight back with a code").startsWith(CONSOLE_CALLBACK + "?code=");

    // A sign-out without the CSRF token (a forged cross-site form) is refused and changes nothing.
    assertThat(browser.post("/logout", "").statusCode()).isEqualTo(403);
    assertThat(browser.authorizeAgain()).startsWith(CONSOLE_CALLBACK + "?code=");

    HttpResponse<String> out = browser.post("/logout", "_csrf=" + SignIn.enc(browser.csrf()));
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(SignIn.location(out)).endsWith("/login?logout");
    assertThat(browser.get(browser.base + "/login?logout").body()).contains("Vous êtes déconnecté");
    assertThat(browser.authorizeAgain()).as("signed out: back to the sign-in page").endsWith("/login");
    assertThat(signOuts(login)).hasSize(1);
  }

  @Test
  void openid_connect_rp_initiated_logout_ends_the_session_and_returns_to_the_application() throws Exception {
    String login = newClinician();
    SignIn browser = new SignIn(port, CONSOLE_CALLBACK);
    String idToken = tokens(browser.as(login, PASSWORD, null)).path("id_token").asText();
    String back = "http://lafia.test/login?logout";

    // An ID token this server did not issue is refused, without a stack trace, and the session stays.
    String forgedToken = idToken.substring(0, idToken.lastIndexOf('.')) + ".forged";
    HttpResponse<String> forged = browser.get(browser.base + "/connect/logout?id_token_hint=" + SignIn.enc(forgedToken));
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.body()).doesNotContain("Exception").doesNotContain("at org.");
    assertThat(browser.authorizeAgain()).startsWith(CONSOLE_CALLBACK + "?code=");

    HttpResponse<String> out = browser.get(browser.base + "/connect/logout?id_token_hint=" + SignIn.enc(idToken)
        + "&post_logout_redirect_uri=" + SignIn.enc(back) + "&state=st-42");
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(SignIn.location(out)).isEqualTo(back + "&state=st-42");
    assertThat(browser.authorizeAgain()).endsWith("/login");
    assertThat(signOuts(login)).hasSize(1);
  }
}
