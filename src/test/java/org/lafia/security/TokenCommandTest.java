package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.TestAuth;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * The operators' commands against the running test server's own data directory: {@code token}
 * connects to its embedded PostgreSQL (found through postmaster.pid) and signs with its key;
 * {@code enrol-totp} gives an administrator the second factor they sign in with.
 */
@LafiaTest
class TokenCommandTest {
  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired Accounts accounts;

  /** Runs a command as the jar would, returning its exit code and what it printed on standard output. */
  private record Run(int code, String out) {}

  private static Run capture(Supplier<Integer> command) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = command.get();
      return new Run(code, out.toString(StandardCharsets.UTF_8).strip());
    } finally {
      System.setOut(original);
    }
  }

  /** The command reads the deployment's configuration; here, the test server's issuer (and no other test's). */
  @org.junit.jupiter.api.BeforeEach
  void sameIssuerAsTheServer() {
    System.setProperty("lafia.security.issuer", "http://lafia.test");
  }

  @org.junit.jupiter.api.AfterEach
  void noLeftoverConfiguration() {
    System.clearProperty("lafia.security.issuer");
  }

  private int status(String path, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void the_token_command_prints_a_token_the_server_accepts_and_only_that() throws Exception {
    String dataDir = context.getBean(org.lafia.platform.DatabaseProperties.class).dataDir(); // bound once (it holds ${random.uuid})
    TestAuth.register(context, "test-command-client", List.of("system/Patient.rs"));
    Run client = capture(() -> TokenCommand.run(new String[] {"--client", "test-command-client", "--data-dir", dataDir}));
    assertThat(client.code()).isZero();
    assertThat(client.out()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(status("/fhir/Patient?_count=1", client.out())).isEqualTo(200);
    assertThat(status("/fhir/Observation?_count=1", client.out())).isEqualTo(403);

    String login = "auditeur-cmd-" + UUID.randomUUID().toString().substring(0, 6);
    accounts.save(login, "Auditeur", "Un long mot de passe 2026", List.of("auditor"), List.of(), List.of());
    Run person = capture(() -> TokenCommand.run(new String[] {"--user", login, "--ttl", "2m", "--data-dir", dataDir}));
    assertThat(person.code()).isZero();
    assertThat(status("/fhir/AuditEvent?_count=1", person.out())).isEqualTo(200);

    assertThat(capture(() -> TokenCommand.run(new String[] {"--client", "test-command-client", "--scope", "system/Patient.cruds",
        "--data-dir", dataDir})).code()).isEqualTo(1);
    assertThat(capture(() -> TokenCommand.run(new String[] {"--user", "nobody-" + UUID.randomUUID(), "--data-dir", dataDir})).code()).isEqualTo(1);
    Run usage = capture(() -> TokenCommand.run(new String[] {"--colour", "blue"}));
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.out()).isEmpty();
  }

  @Test
  void enrolling_a_second_factor_lets_an_administrator_sign_in_with_its_code() throws Exception {
    String dataDir = context.getBean(org.lafia.platform.DatabaseProperties.class).dataDir(); // bound once (it holds ${random.uuid})
    String login = "admin-cmd-" + UUID.randomUUID().toString().substring(0, 6);
    accounts.save(login, "Administratrice", "Administrer en sécurité 2026", List.of("national-admin"), List.of(), List.of());
    SignIn browser = new SignIn(port, "http://lafia.test/console/callback");
    assertThat(browser.as(login, "Administrer en sécurité 2026", null).error()).isEqualTo("enrol");
    Run enrolled = capture(() -> TokenCommand.enrolTotp(new String[] {"--user", login, "--data-dir", dataDir}));
    assertThat(enrolled.code()).isZero();
    String[] lines = enrolled.out().split("\\R");
    assertThat(lines[1]).startsWith("otpauth://totp/Lafia:" + login + "?secret=" + lines[0]);
    SignIn.Result ok = browser.as(login, "Administrer en sécurité 2026", SecondFactor.codeAt(lines[0], Instant.now()));
    assertThat(ok.error()).isNull();
  }
}
