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
    if (args.length > 0 && args[0].equals("mpi")) {
      System.exit(org.lafia.registry.MpiCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("demo")) {
      System.exit(demo(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    warmUpFhirModel();
    application().run(args);
  }

  private static SpringApplication application() {
    SpringApplication app = new SpringApplication(LafiaApplication.class);
    app.addListeners(new org.lafia.platform.DatabaseConfiguration.EarlyStart());
    return app;
  }

  /**
   * {@code demo --country TG --patients N [--data-dir DIR]}: loads the demo country with N patients
   * into the deployment's database (Lafia stopped, or an external PostgreSQL), through a node
   * started for the purpose on a loopback port, then stops.
   */
  static int demo(String[] args) {
    String country = "TG";
    String patients = null;
    String dataDir = null;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--country" -> country = v;
        case "--patients" -> patients = v;
        case "--data-dir" -> dataDir = v;
        default -> {
          System.err.println("Unknown option " + args[i] + ".\n" + DEMO_USAGE);
          return 2;
        }
      }
      if (v == null) {
        System.err.println(args[i] + " needs a value.\n" + DEMO_USAGE);
        return 2;
      }
      i++;
    }
    if (!"TG".equalsIgnoreCase(country)) {
      System.err.println("No demo country '" + country + "': only TG (Togo) exists. / Seul le Togo (TG) existe.");
      return 2;
    }
    if (patients != null && !patients.matches("[0-9]{1,8}")) {
      System.err.println("--patients takes a number of patients (0 to 10,000,000), not '" + patients + "'.");
      return 2;
    }
    java.util.List<String> props = new java.util.ArrayList<>(java.util.List.of("--server.address=127.0.0.1", "--server.port=0",
        "--lafia.demo.enabled=true"));
    if (patients != null) props.add("--lafia.demo.patients=" + patients);
    if (dataDir != null) props.add("--lafia.db.data-dir=" + dataDir);
    warmUpFhirModel();
    try (org.springframework.context.ConfigurableApplicationContext ctx = application().run(props.toArray(String[]::new))) {
      return ctx.getBean(org.lafia.demo.DemoLoader.class).loaded() ? 0 : 1;
    }
  }

  static final String DEMO_USAGE = "Usage: java -jar lafia.jar demo [--country TG] [--patients N] [--data-dir DIR]";

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
