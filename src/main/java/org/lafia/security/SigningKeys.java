package org.lafia.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The keys that sign tokens, kept in PostgreSQL so that every node signs with the same key and
 * verifies the others' tokens. The newest key signs until it is {@code keyRotation} old; then
 * the first node to notice creates the next one (under an advisory lock, so only one is made).
 * Older keys stay published until every token they signed has expired.
 *
 * <p>Nodes read the table at most once a minute, and at once when a token names a key they do not
 * know yet (another node rotated): no node-local state outlives a minute.
 */
final class SigningKeys {
  private static final long LOCK = 0x4c61666961_4b4559L; // "Lafia" "KEY": one rotation at a time across nodes
  private static final Duration RELOAD = Duration.ofMinutes(1);

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final Duration rotation;
  private final Duration keep;

  private volatile List<RSAKey> keys = List.of(); // newest first
  /** The same keys' public halves as Java keys, by key id: converted once per reload, not for every token checked. */
  private volatile java.util.Map<String, java.security.Key> publicKeys = java.util.Map.of();
  private volatile Instant loaded = Instant.EPOCH;
  private volatile Instant lastMissReload = Instant.EPOCH;

  SigningKeys(DataSource dataSource, Duration rotation, Duration longestTokenLife) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.rotation = rotation;
    this.keep = rotation.plus(longestTokenLife).plus(Duration.ofHours(1));
  }

  /** Every key a token may have been signed with (published at the JWKS endpoint, public parts only). */
  JWKSource<SecurityContext> verificationKeys() {
    return (selector, context) -> {
      List<JWK> found = select(selector, all());
      if (found.isEmpty() && selector.getMatcher().getKeyIDs() != null
          && Instant.now().isAfter(lastMissReload.plusSeconds(5))) {
        lastMissReload = Instant.now();
        reload();
        found = select(selector, keys);
      }
      return found;
    };
  }

  /**
   * Chooses the key that verifies a token: the one its header names (RS256 only), reloading the
   * table at most every 5 seconds when it names a key this node does not know yet (another
   * node's rotation).
   */
  com.nimbusds.jose.proc.JWSKeySelector<SecurityContext> verificationKeySelector() {
    return (header, context) -> {
      if (!com.nimbusds.jose.JWSAlgorithm.RS256.equals(header.getAlgorithm())) return List.of();
      all(); // the periodic reload
      String kid = header.getKeyID();
      if (kid == null) return List.copyOf(publicKeys.values());
      java.security.Key key = publicKeys.get(kid);
      if (key == null && Instant.now().isAfter(lastMissReload.plusSeconds(5))) {
        lastMissReload = Instant.now();
        reload();
        key = publicKeys.get(kid);
      }
      return key == null ? List.of() : List.of(key);
    };
  }

  /** The one key that signs now. */
  JWKSource<SecurityContext> signingKey() {
    return (selector, context) -> select(selector, List.of(current()));
  }

  synchronized RSAKey current() {
    RSAKey newest = all().isEmpty() ? null : all().get(0);
    if (newest == null || newest.getIssueTime().toInstant().plus(rotation).isBefore(Instant.now())) {
      rotate(false);
      newest = keys.get(0);
    }
    return newest;
  }

  /** Makes a new signing key now (an operator's rotation, e.g. after a suspected leak), or only if the newest is due. */
  void rotate(boolean force) {
    tx.executeWithoutResult(status -> {
      jdbc.queryForObject("select pg_advisory_xact_lock(?)", Object.class, LOCK);
      Timestamp newest = jdbc.queryForObject("select max(created) from sec_signing_key", Timestamp.class);
      if (force || newest == null || newest.toInstant().plus(rotation).isBefore(Instant.now())) {
        Instant now = Instant.now();
        RSAKey key;
        try {
          key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString())
              .issueTime(java.util.Date.from(now)).generate();
        } catch (JOSEException e) {
          throw new IllegalStateException("Could not generate a signing key", e);
        }
        jdbc.update("insert into sec_signing_key (kid, created, expires, private_jwk) values (?, ?, ?, ?)",
            key.getKeyID(), Timestamp.from(now), Timestamp.from(now.plus(keep)), key.toJSONString());
      }
    });
    reload();
  }

  private List<RSAKey> all() {
    if (Instant.now().isAfter(loaded.plus(RELOAD))) reload();
    return keys;
  }

  private synchronized void reload() {
    List<RSAKey> fresh = new ArrayList<>();
    jdbc.query("select private_jwk, created from sec_signing_key where expires > now() order by created desc, kid", rs -> {
      try {
        RSAKey k = RSAKey.parse(rs.getString(1));
        // The issue time orders keys and decides rotation; the row's is authoritative.
        fresh.add(new RSAKey.Builder(k).issueTime(java.util.Date.from(rs.getTimestamp(2).toInstant())).build());
      } catch (ParseException e) {
        throw new IllegalStateException("A stored signing key cannot be read", e);
      }
    });
    java.util.Map<String, java.security.Key> pub = new java.util.HashMap<>();
    for (RSAKey k : fresh) {
      try {
        pub.put(k.getKeyID(), k.toRSAPublicKey());
      } catch (JOSEException e) {
        throw new IllegalStateException("A stored signing key cannot be read", e);
      }
    }
    publicKeys = java.util.Map.copyOf(pub);
    keys = List.copyOf(fresh);
    loaded = Instant.now();
  }

  private static List<JWK> select(JWKSelector selector, List<RSAKey> keys) {
    return selector.select(new JWKSet(new ArrayList<>(keys)));
  }
}
