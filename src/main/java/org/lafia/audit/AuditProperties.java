package org.lafia.audit;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Audit settings ({@code lafia.audit.*}).
 *
 * @param checkpointInterval how often the sealing node signs the chain's head (when it moved)
 * @param checkpointKey the Ed25519 private key (PKCS#8 PEM file) that signs checkpoints; empty:
 *     {@code <data dir>/audit/checkpoint-key.pem}, generated at first start
 * @param checkpointPublicKeys more public keys (PEM files) whose checkpoints verify: the other
 *     nodes' keys, if they do not share one, and former keys
 */
@ConfigurationProperties(prefix = "lafia.audit")
public record AuditProperties(Duration checkpointInterval, String checkpointKey, List<String> checkpointPublicKeys) {

  public AuditProperties {
    if (checkpointInterval == null) checkpointInterval = Duration.ofMinutes(10);
    if (checkpointInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("lafia.audit.checkpoint-interval must be at least 1s, not " + checkpointInterval + ".");
    }
    if (checkpointPublicKeys == null) checkpointPublicKeys = List.of();
  }
}
