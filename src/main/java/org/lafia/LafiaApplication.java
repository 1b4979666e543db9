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
    SpringApplication.run(LafiaApplication.class, args);
  }

  /**
   * FHIR dates without a time zone are read as UTC everywhere (search ranges, storage), whatever
   * the host's zone, so that two nodes in different zones index the same value identically.
   */
  public static void useUtc() {
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
  }
}
