package org.lafia.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documented demo accounts (README, "Demo accounts"), created when
 * {@code lafia.security.demo-accounts} is on and they do not exist yet: one person per role, all
 * with the same password, a system client whose private key is written into the data
 * directory, and a web application (a facility EMR) with a documented secret. Never turned on in
 * production: anyone who reads the README knows these passwords.
 */
final class DemoAccounts {
  private static final Logger log = LoggerFactory.getLogger(DemoAccounts.class);

  static final String PASSWORD = "Lafia-Demo-2026";
  /** The demo administrators' TOTP secret, to load into an authenticator app (base32). */
  static final String TOTP_SECRET = "LAFIADEMOTOTPLAFIADEMOTOTPLAFIA2";
  static final String SYSTEM_CLIENT = "lafia-demo-system";
  /** A facility EMR's web application: a confidential client, with refresh tokens. */
  static final String WEB_CLIENT = "lafia-dossier-demo";
  /** Its secret unless {@code lafia.security.demo-client-secret} says otherwise; published in the README. */
  static final String WEB_CLIENT_SECRET = "Lafia-Dossier-Demo-2026";
  /** Loopback: any port is accepted (RFC 8252), for an EMR tried out on the same machine. */
  static final String WEB_CLIENT_REDIRECT = "http://127.0.0.1/callback";

  // Ids of the demo country's Organizations (org.lafia.demo: ./run.sh loads it): a CMS and a CHU
  // in Lomé, the Maritime region, the Golfe prefecture (Lomé), the country.
  private static final String CMS_GBETSOGBE = "tg-fac-TG0303-006";
  private static final String CHU_TOKOIN = "tg-fac-TG0303-009";
  private static final String MARITIME = "tg-TG03";
  private static final String GOLFE = "tg-TG0303";
  private static final String TOGO = "tg";

  private record Person(String login, String name, String role, List<String> facilities, List<String> territories) {}

  private static final List<Person> PEOPLE = List.of(
      new Person("clinicien", "Dr Kossi Amégan", "clinician", List.of(CMS_GBETSOGBE), List.of()),
      new Person("infirmiere", "Akossiwa N'Guessan", "nurse", List.of(CMS_GBETSOGBE), List.of()),
      new Person("specialiste", "Pr Yasmina El Idrissi", "specialist", List.of(CHU_TOKOIN), List.of()),
      new Person("pharmacien", "Komla Agbeko", "pharmacist", List.of(CMS_GBETSOGBE), List.of()),
      new Person("epidemiologiste", "Essi Kodjo", "surveillance-officer", List.of(), List.of(MARITIME)),
      new Person("investigateur", "Yaovi Adjo", "surveillance-case-officer", List.of(), List.of(GOLFE)),
      new Person("gestionnaire", "Mawuli Dossou", "data-manager", List.of(), List.of(TOGO)),
      new Person("registre", "Abla Mensah", "registry-steward", List.of(), List.of(TOGO)),
      new Person("admin", "Administrateur national", "national-admin", List.of(), List.of(TOGO)),
      new Person("auditeur", "Edem Lawson", "auditor", List.of(), List.of(TOGO)));

  private DemoAccounts() {}

  static void ensure(Accounts accounts, SystemClients clients, WebClients webClients, SecurityProperties props, Path dataDir) {
    for (Person p : PEOPLE) {
      if (accounts.find(p.login()).isPresent()) continue;
      accounts.save(p.login(), p.name(), PASSWORD, List.of(p.role()), p.facilities(), p.territories());
      Role role = Role.of(p.role());
      if (role != null && role.administrative) accounts.setTotpSecret(p.login(), TOTP_SECRET);
    }
    Path keyFile = dataDir.resolve("demo").resolve(SYSTEM_CLIENT + ".private-jwk.json");
    try {
      RSAKey key;
      if (Files.exists(keyFile)) {
        key = RSAKey.parse(Files.readString(keyFile));
      } else {
        key = new RSAKeyGenerator(2048).keyID(SYSTEM_CLIENT + "-1").generate();
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, key.toJSONString());
        try {
          Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the data directory's own permissions protect it
        }
      }
      clients.register(SYSTEM_CLIENT, "Lafia demo system client", new JWKSet(key.toPublicJWK()).toString(),
          List.of("system/*.cruds"));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the demo system client's key to " + keyFile, e);
    } catch (JOSEException | java.text.ParseException e) {
      throw new IllegalStateException("Could not make the demo system client's key", e);
    }
    webClients.register(WEB_CLIENT, "Dossier patient (démo)",
        props.demoClientSecret() != null ? props.demoClientSecret() : WEB_CLIENT_SECRET,
        List.of(WEB_CLIENT_REDIRECT), List.of(props.issuer() + "/login?logout"));
    StringBuilder list = new StringBuilder();
    for (Person p : PEOPLE) {
      list.append(String.format("%n  %-16s %-26s %s", p.login(), p.role(),
          p.facilities().isEmpty() ? "territory " + String.join(", ", p.territories()) : "facility " + String.join(", ", p.facilities())));
    }
    log.warn("Demo accounts are on (lafia.security.demo-accounts): their passwords are published in the README."
        + " Never use them with real patient data. Comptes de démonstration (mot de passe {}; TOTP des comptes"
        + " d'administration {}):{}", PASSWORD, TOTP_SECRET, list);
  }
}
