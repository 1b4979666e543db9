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

  @Bean
  SignInEvents signInEvents(AuditTrail trail) {
    return new SignInEvents(trail);
  }
}
