package org.lafia.audit;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/** The audit trail (the FHIR module's audit sink), its hash chain and the sealer of this node. */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

  @Bean
  AuditTrail auditTrail(DataSource dataSource) {
    return new AuditTrail(dataSource);
  }

  @Bean(destroyMethod = "close")
  @DependsOn("flywayInitializer")
  AuditChain auditChain(DataSource dataSource) {
    AuditChain chain = new AuditChain(dataSource);
    chain.startSealing();
    return chain;
  }

  /** The trail as FHIR AuditEvents, served read-only at /fhir/AuditEvent. */
  @Bean
  org.lafia.fhir.spi.ProvidedResources auditEvents(DataSource dataSource, ca.uhn.fhir.context.FhirContext ctx) {
    return new AuditEvents(dataSource, ctx);
  }

  @Bean
  SignInEvents signInEvents(AuditTrail trail) {
    return new SignInEvents(trail);
  }
}
