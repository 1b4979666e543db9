package org.lafia.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where Lafia keeps its data ({@code lafia.db.*}).
 *
 * @param url external PostgreSQL JDBC URL; empty means "run the embedded PostgreSQL"
 * @param user user for the external server
 * @param password password for the external server
 * @param dataDir directory of the embedded PostgreSQL's cluster; survives restarts
 * @param poolSize maximum JDBC connections of this node
 * @param embeddedPort port of the embedded PostgreSQL on loopback (0: any free port)
 * @param embeddedDurable fsync and synchronous commit on (off only for throw-away test databases)
 * @param embeddedSharedBuffers PostgreSQL shared_buffers of the embedded server (e.g. 512MB, 2GB)
 */
@ConfigurationProperties(prefix = "lafia.db")
public record DatabaseProperties(
    String url, String user, String password, String dataDir, Integer poolSize, Integer embeddedPort, Boolean embeddedDurable,
    String embeddedSharedBuffers) {

  public DatabaseProperties {
    if (dataDir == null || dataDir.isBlank()) dataDir = "./data";
    if (poolSize == null || poolSize < 2) poolSize = 16;
    if (embeddedPort == null || embeddedPort < 0) embeddedPort = 0;
    if (embeddedDurable == null) embeddedDurable = true;
    if (embeddedSharedBuffers == null || embeddedSharedBuffers.isBlank()) embeddedSharedBuffers = "512MB";
    if (!embeddedSharedBuffers.matches("[0-9]+(kB|MB|GB)")) {
      throw new IllegalArgumentException("lafia.db.embedded-shared-buffers must be a size such as 512MB or 2GB, not '"
          + embeddedSharedBuffers + "'.");
    }
  }

  public boolean embedded() {
    return url == null || url.isBlank();
  }
}
