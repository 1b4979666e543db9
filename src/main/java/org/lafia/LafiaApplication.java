package org.lafia;

import java.util.TimeZone;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Lafia: the open platform a national digital health centre runs. One modular monolith. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LafiaApplication {

  public static void main(String[] args) {
    useUtc();
    if (args.length > 0 && args[0].equals("token")) {
      System.exit(org.lafia.security.TokenCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("enrol-totp")) {
      System.exit(org.lafia.security.TokenCommand.enrolTotp(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    warmUpFhirModel();
    SpringApplication app = new SpringApplication(LafiaApplication.class);
    app.addListeners(new org.lafia.platform.DatabaseConfiguration.EarlyStart());
    app.run(args);
  }

  /**
   * Scanning HAPI's R4 model (146 resource types) takes seconds; it starts on the second core
   * while Spring and the embedded PostgreSQL start on the first. The context is HAPI's shared
   * cached instance, the same one the FHIR module uses.
   */
  static void warmUpFhirModel() {
    Thread t = new Thread(() -> {
      ca.uhn.fhir.context.FhirContext ctx = ca.uhn.fhir.context.FhirContext.forR4Cached();
      for (String type : ctx.getResourceTypes()) ctx.getResourceDefinition(type).getSearchParams();
    }, "fhir-model-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * FHIR dates without a time zone are read as UTC everywhere (search ranges, storage), whatever
   * the host's zone, so that two nodes in different zones index the same value identically.
   */
  public static void useUtc() {
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
  }
}
