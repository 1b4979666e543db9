package org.lafia.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.lafia.platform.DatabaseConfiguration;
import org.lafia.platform.DatabaseProperties;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * {@code java -jar lafia.jar token --user <login> | --client <id> [--scope s ...] [--ttl 10m]
 * [--data-dir dir]}: prints a short-lived access token for a person or a system client, for
 * scripts and operators on the server's machine (like {@code kubectl create token}). Whoever can
 * run it can read the database already; the token is signed with the deployment's current key and
 * carries {@code lafia_via=token-command} and a {@code jti}, so that every use of it is traceable
 * to this command. A second factor is not asked: the operator is already inside the server.
 *
 * <p>With the embedded PostgreSQL it connects to the running server's cluster (found through
 * {@code postmaster.pid} in the data directory) or starts it briefly if Lafia is not running.
 */
public final class TokenCommand {
  private static final Duration MAX_TTL = Duration.ofHours(24);

  private TokenCommand() {}

  @Configuration(proxyBeanMethods = false)
  @Import(DatabaseConfiguration.class)
  @EnableConfigurationProperties({DatabaseProperties.class, SecurityProperties.class})
  @ImportAutoConfiguration(FlywayAutoConfiguration.class)
  static class Context {}

  /**
   * {@code java -jar lafia.jar enrol-totp --user <login> [--data-dir dir]}: gives an account a new
   * TOTP secret and prints it (and its otpauth URI, for an authenticator app's QR code). For the
   * national administrator's first account and for lost phones; the old secret stops working.
   */
  public static int enrolTotp(String[] args) {
    java.io.PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      Map<String, List<String>> opts = options(args);
      String user = one(opts, "user");
      if (user == null || opts.containsKey("client") || opts.containsKey("scope") || opts.containsKey("ttl")) {
        System.err.println("usage: java -jar lafia.jar enrol-totp --user <login> [--data-dir ./data]");
        return 2;
      }
      try (ConfigurableApplicationContext ctx = database(one(opts, "data-dir"))) {
        Accounts accounts = accounts(ctx.getBean(DataSource.class));
        if (accounts.find(user).isEmpty()) {
          System.err.println("No account '" + user + "'.");
          return 1;
        }
        String secret = SecondFactor.newSecret();
        accounts.setTotpSecret(user, secret);
        stdout.println(secret);
        stdout.println("otpauth://totp/Lafia:" + java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8)
            + "?secret=" + secret + "&issuer=Lafia&digits=6&period=30");
        stdout.flush();
        return 0;
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    } finally {
      System.setOut(stdout);
    }
  }

  /** Runs the command; returns the process exit code (0, or 2 for a usage error, 1 for a refusal). */
  public static int run(String[] args) {
    Map<String, List<String>> opts;
    try {
      opts = options(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      return 2;
    }
    String user = one(opts, "user");
    String client = one(opts, "client");
    if ((user == null) == (client == null)) {
      System.err.println("Give exactly one of --user <login> or --client <id>.\n" + usage());
      return 2;
    }
    // Only the token goes to standard output (TOKEN=$(... token ...)); the framework's log lines go to standard error.
    java.io.PrintStream stdout = System.out;
    System.setOut(System.err);
    try (ConfigurableApplicationContext ctx = database(one(opts, "data-dir"))) {
      SecurityProperties security = ctx.getBean(SecurityProperties.class);
      if (!security.builtIn()) {
        System.err.println("This deployment uses the external issuer " + security.externalIssuerUri() + ": get tokens there.");
        return 1;
      }
      DataSource ds = ctx.getBean(DataSource.class);
      Duration ttl = opts.containsKey("ttl") ? parseTtl(one(opts, "ttl")) : user != null ? security.accessTokenTtl() : security.systemTokenTtl();
      if (ttl.compareTo(MAX_TTL) > 0) throw new IllegalArgumentException("--ttl is at most 24h.");
      Set<String> scopes = new LinkedHashSet<>(opts.getOrDefault("scope", List.of()));
      Instant now = Instant.now();
      JwtClaimsSet.Builder claims = JwtClaimsSet.builder().issuer(security.issuer()).audience(List.of(security.audience()))
          .issuedAt(now).expiresAt(now.plus(ttl)).id(java.util.UUID.randomUUID().toString()).claim("lafia_via", "token-command");
      if (user != null) {
        Accounts accounts = accounts(ds);
        Accounts.Account a = accounts.find(user).orElse(null);
        if (a == null || !a.enabled() || a.locked(now)) {
          System.err.println("No enabled, unlocked account '" + user + "'.");
          return 1;
        }
        claims.subject(a.login()).claim("lafia_kind", "user").claim("name", a.displayName()).claim("roles", a.roles())
            .claim("facilities", a.facilities()).claim("territories", a.territories());
        if (!scopes.isEmpty()) claims.claim("scope", new ArrayList<>(scopes));
      } else {
        RegisteredClient rc = new JdbcRegisteredClientRepository(new JdbcTemplate(ds)).findByClientId(client);
        if (rc == null || !rc.getAuthorizationGrantTypes().contains(org.springframework.security.oauth2.core.AuthorizationGrantType.CLIENT_CREDENTIALS)) {
          System.err.println("No system client '" + client + "'.");
          return 1;
        }
        if (scopes.isEmpty()) scopes.addAll(rc.getScopes());
        if (!rc.getScopes().containsAll(scopes)) {
          System.err.println("Client '" + client + "' is not registered for " + scopes + "; it may have " + rc.getScopes() + ".");
          return 1;
        }
        claims.subject(client).claim("lafia_kind", "system").claim("client_id", client).claim("scope", new ArrayList<>(scopes));
      }
      SigningKeys keys = new SigningKeys(ds, security.keyRotation(), MAX_TTL);
      String token = new NimbusJwtEncoder(keys.signingKey())
          .encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims.build())).getTokenValue();
      stdout.println(token);
      stdout.flush();
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    } finally {
      System.setOut(stdout);
    }
  }

  /** A small context with the deployment's database only (migrated), without the web server. */
  private static ConfigurableApplicationContext database(String dataDir) {
    List<String> props = new ArrayList<>(List.of("--spring.main.banner-mode=off", "--logging.level.root=WARN",
        "--spring.main.log-startup-info=false"));
    if (dataDir != null) props.add("--lafia.db.data-dir=" + dataDir);
    runningServer(dataDir).forEach((k, v) -> props.add("--" + k + "=" + v));
    return new SpringApplicationBuilder(Context.class).web(WebApplicationType.NONE).run(props.toArray(String[]::new));
  }

  /** The accounts, for reading and for setting a second factor (no lock-out counting here). */
  private static Accounts accounts(DataSource ds) {
    return new Accounts(ds, org.springframework.security.crypto.factory.PasswordEncoderFactories.createDelegatingPasswordEncoder(), 1, Duration.ZERO);
  }

  /** The embedded cluster of a running Lafia, if there is one: connect to it rather than start a second server on its files. */
  private static Map<String, Object> runningServer(String dataDir) {
    Map<String, Object> props = new HashMap<>();
    String configured = System.getenv("LAFIA_DB_URL");
    if (configured != null && !configured.isBlank()) return props;
    Path pid = Path.of(dataDir != null ? dataDir : System.getenv().getOrDefault("LAFIA_DATA_DIR", "./data"), "pg", "postmaster.pid");
    try {
      if (!Files.exists(pid)) return props;
      List<String> lines = Files.readAllLines(pid);
      long process = Long.parseLong(lines.get(0).trim());
      if (ProcessHandle.of(process).map(ProcessHandle::isAlive).orElse(false) && lines.size() > 3) {
        props.put("lafia.db.url", "jdbc:postgresql://localhost:" + lines.get(3).trim() + "/postgres");
        props.put("lafia.db.user", "postgres");
      }
    } catch (Exception e) {
      // unreadable: fall back to starting the embedded server, which reports a clear error if it cannot
    }
    return props;
  }

  private static Duration parseTtl(String v) {
    if (v == null || !v.matches("\\d+[smh]")) throw new IllegalArgumentException("--ttl takes e.g. 300s, 10m or 2h, not '" + v + "'.");
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static Map<String, List<String>> options(String[] args) {
    Map<String, List<String>> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !Set.of("--user", "--client", "--scope", "--ttl", "--data-dir").contains(a)) {
        throw new IllegalArgumentException("Unknown argument '" + a + "'.");
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value.");
      m.computeIfAbsent(a.substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
    return m;
  }

  private static String one(Map<String, List<String>> opts, String name) {
    List<String> v = opts.get(name);
    if (v == null) return null;
    if (v.size() > 1) throw new IllegalArgumentException("--" + name + " is given more than once.");
    return v.get(0);
  }

  static String usage() {
    return "usage: java -jar lafia.jar token --user <login> | --client <id> [--scope <scope> ...] [--ttl 10m] [--data-dir ./data]";
  }
}
