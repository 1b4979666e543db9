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

  @Bean(destroyMethod = "close")
  AuditTrail auditTrail(DataSource dataSource) {
    return new AuditTrail(auditConnections(dataSource));
  }

  /**
   * Two connections of their own for the audit writer (and, when its queue is full, a caller),
   * so that a slow trail never holds the connections requests need. Inserts of a batch are sent
   * as one multi-row statement (the driver rewrites the batch).
   */
  private static com.zaxxer.hikari.HikariDataSource auditConnections(DataSource main) {
    if (!(main instanceof com.zaxxer.hikari.HikariDataSource hikari)) {
      throw new IllegalStateException("The audit trail expects the platform's Hikari pool, not " + main.getClass().getName());
    }
    com.zaxxer.hikari.HikariConfig cfg = new com.zaxxer.hikari.HikariConfig();
    cfg.setJdbcUrl(hikari.getJdbcUrl());
    cfg.setUsername(hikari.getUsername());
    cfg.setPassword(hikari.getPassword());
    cfg.setPoolName("lafia-audit");
    cfg.setMaximumPoolSize(3);
    cfg.setMinimumIdle(1);
    cfg.addDataSourceProperty("prepareThreshold", "1");
    cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
    cfg.addDataSourceProperty("ApplicationName", "lafia-audit");
    return new com.zaxxer.hikari.HikariDataSource(cfg);
  }

  /** Outside the database, on purpose: see {@link CheckpointKey}. */
  @Bean
  CheckpointKey checkpointKey(AuditProperties props, DatabaseProperties db) {
    return CheckpointKey.load(props.checkpointKey(), Path.of(db.dataDir()), props.checkpointPublicKeys());
  }

  @Bean(destroyMethod = "close")
  @DependsOn("flywayInitializer")
  AuditChain auditChain(DataSource dataSource, CheckpointKey key, AuditProperties props, AuditTrail trail) {
    AuditChain chain = new AuditChain(dataSource, key, trail::flush);
    chain.startSealing(props.checkpointInterval());
    return chain;
  }

  /** The trail as FHIR AuditEvents, served read-only at /fhir/AuditEvent. */
  @Bean
  org.lafia.fhir.spi.ProvidedResources auditEvents(DataSource dataSource, ca.uhn.fhir.context.FhirContext ctx, AuditTrail trail) {
    return new AuditEvents(dataSource, ctx, trail::flush);
  }

  @Bean
  SignInEvents signInEvents(AuditTrail trail) {
    return new SignInEvents(trail);
  }
}
