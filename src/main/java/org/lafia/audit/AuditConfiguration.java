package org.lafia.audit;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.lafia.platform.DatabaseProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/** The audit trail (the FHIR module's audit sink), its hash chain, the sealer of this node and its checkpoint key. */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

  @Bean
  AuditTrail auditTrail(DataSource dataSource) {
    return new AuditTrail(dataSource);
  }

  /** Outside the database, on purpose: see {@link CheckpointKey}. */
  @Bean
  CheckpointKey checkpointKey(AuditProperties props, DatabaseProperties db) {
    return CheckpointKey.load(props.checkpointKey(), Path.of(db.dataDir()), props.checkpointPublicKeys());
  }

  @Bean(destroyMethod = "close")
  @DependsOn("flywayInitializer")
  AuditChain auditChain(DataSource dataSource, CheckpointKey key, AuditProperties props) {
    AuditChain chain = new AuditChain(dataSource, key);
    chain.startSealing(props.checkpointInterval());
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
