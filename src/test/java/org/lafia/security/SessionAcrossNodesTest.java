package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A person signed in on one node is signed in on every node: the console session lives in
 * PostgreSQL (Spring Session), so the authorization request that continues the sign-in can land on
 * another node behind the load balancer, and the code it gives is redeemed on a third call.
 */
class SessionAcrossNodesTest {

  private static ConfigurableApplicationContext start(String url) {
    LafiaApplication.useUtc();
    return new SpringApplicationBuilder(LafiaApplication.class).run("--server.port=0", "--lafia.db.url=" + url,
        "--lafia.db.user=postgres", "--lafia.security.issuer=http://lafia.cluster");
  }

  private static String base(ConfigurableApplicationContext node) {
    return "http://localhost:" + node.getEnvironment().getProperty("local.server.port");
  }

  @Test
  void a_sign_in_on_one_node_is_valid_on_the_other() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = pg.getJdbcUrl("postgres", "postgres");
      try (ConfigurableApplicationContext a = start(url); ConfigurableApplicationContext b = start(url)) {
        String login = "noeud-" + UUID.randomUUID().toString().substring(0, 8);
        a.getBean(Accounts.class).save(login, "Yao Noeud", "Mot de passe du cluster", List.of("clinician"), List.of(), List.of());
        SignIn browser = new SignIn(0, "http://lafia.cluster/console/callback");
        String authorize = "/oauth2/authorize?response_type=code&client_id=lafia-console&scope=openid&state=s"
            + "&redirect_uri=" + SignIn.enc("http://lafia.cluster/console/callback")
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGjSstw-cM&code_challenge_method=S256";
        // The sign-in starts and the password is given on node A.
        assertThat(browser.get(base(a) + authorize).statusCode()).isEqualTo(302);
        Matcher csrf = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(browser.get(base(a) + "/login").body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> posted = browser.http.send(HttpRequest.newBuilder(URI.create(base(a) + "/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("username=" + login + "&password=" + SignIn.enc("Mot de passe du cluster")
                + "&_csrf=" + SignIn.enc(csrf.group(1)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.headers().firstValue("Location").orElse("")).doesNotContain("error");
        // The authorization request lands on node B, with the session cookie only: B knows the person.
        HttpResponse<String> onB = browser.get(base(b) + authorize);
        assertThat(onB.statusCode()).isEqualTo(302);
        assertThat(onB.headers().firstValue("Location").orElse("")).startsWith("http://lafia.cluster/console/callback?code=");
        // Without the cookie, B sends the same request to its sign-in page.
        SignIn stranger = new SignIn(0, "http://lafia.cluster/console/callback");
        assertThat(stranger.get(base(b) + authorize).headers().firstValue("Location").orElse("")).endsWith("/login");
      }
    }
  }
}
