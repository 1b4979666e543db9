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
    return new AuditTrail(readEntries(dataSource));
  }

  /**
   * A few connections of their own for the entries of reads, with asynchronous commit as their
   * session setting: an entry is then one autocommitted INSERT, one round trip, instead of a
   * transaction that sets it (four). Writes never use them: their entries commit with them.
   */
  private static com.zaxxer.hikari.HikariDataSource readEntries(DataSource main) {
    if (!(main instanceof com.zaxxer.hikari.HikariDataSource hikari)) {
      throw new IllegalStateException("The audit trail expects the platform's Hikari pool, not " + main.getClass().getName());
    }
    com.zaxxer.hikari.HikariConfig cfg = new com.zaxxer.hikari.HikariConfig();
    cfg.setJdbcUrl(hikari.getJdbcUrl());
    cfg.setUsername(hikari.getUsername());
    cfg.setPassword(hikari.getPassword());
    cfg.setPoolName("lafia-audit-reads");
    cfg.setMaximumPoolSize(4);
    cfg.setMinimumIdle(1);
    cfg.addDataSourceProperty("prepareThreshold", "1");
    cfg.addDataSourceProperty("options", "-c synchronous_commit=off");
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
