package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.TestAuth;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * SMART Backend Services client assertions are good once, on every node: a replayed one is refused,
 * as are one without jti and one that lives longer than five minutes, at the real token endpoint.
 */
@LafiaTest
class ClientAssertionReplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN_ENDPOINT = "http://lafia.test/oauth2/token";
  private static final String SCOPE = "system/Patient.rs";

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired DataSource dataSource;

  private String client() {
    String id = "test-replay-" + UUID.randomUUID().toString().substring(0, 8);
    TestAuth.register(context, id, List.of(SCOPE));
    return id;
  }

  private static void assertInvalidClient(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("invalid_client");
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at org.");
  }

  @Test
  void the_same_signed_assertion_gets_a_token_once_then_is_refused() throws Exception {
    String client = client();
    String jti = UUID.randomUUID().toString();
    String assertion = TestAuth.assertion(client, TOKEN_ENDPOINT, TestAuth.testKey(), jti, Instant.now().plusSeconds(240));

    HttpResponse<String> first = TestAuth.postAssertion(port, assertion, SCOPE);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    String token = JSON.readTree(first.body()).path("access_token").asText();
    assertThat(token).isNotBlank();
    assertInvalidClient(TestAuth.postAssertion(port, assertion, SCOPE));

    // The use is in PostgreSQL, not in this node's memory: another node (another instance on the
    // same database) sees the jti as used too.
    assertThat(new JdbcTemplate(dataSource).queryForObject(
        "select count(*) from sec_assertion_jti where client_id = ? and jti = ?", Integer.class, client, jti)).isEqualTo(1);
    assertThat(new UsedAssertions(dataSource, Clock.systemUTC()).firstUse(client, jti, Instant.now().plusSeconds(240))).isFalse();
    // The same jti is another client's own business.
    assertThat(new UsedAssertions(dataSource, Clock.systemUTC()).firstUse(client + "-other", jti, Instant.now().plusSeconds(240))).isTrue();
  }

  @Test
  void an_assertion_without_jti_or_living_longer_than_five_minutes_is_refused() throws Exception {
    String client = client();
    assertInvalidClient(TestAuth.postAssertion(port,
        TestAuth.assertion(client, TOKEN_ENDPOINT, TestAuth.testKey(), null, Instant.now().plusSeconds(240)), SCOPE));
    String jti = UUID.randomUUID().toString();
    assertInvalidClient(TestAuth.postAssertion(port,
        TestAuth.assertion(client, TOKEN_ENDPOINT, TestAuth.testKey(), jti, Instant.now().plusSeconds(3600)), SCOPE));
    // A refused assertion does not use up its jti: the same jti in a valid assertion is accepted.
    HttpResponse<String> ok = TestAuth.postAssertion(port,
        TestAuth.assertion(client, TOKEN_ENDPOINT, TestAuth.testKey(), jti, Instant.now().plusSeconds(240)), SCOPE);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
  }

  @Test
  void used_jtis_are_kept_until_their_assertion_has_expired_then_purged() {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    String client = "test-purge-" + UUID.randomUUID().toString().substring(0, 8);
    Instant now = Instant.now();
    jdbc.update("insert into sec_assertion_jti (client_id, jti, expires_at) values (?, 'long-expired', ?), (?, 'just-expired', ?)",
        client, now.minusSeconds(600).atOffset(ZoneOffset.UTC), client, now.minusSeconds(10).atOffset(ZoneOffset.UTC));
    // A node's first use purges what no expiry check would accept any more (past exp plus the skew).
    assertThat(new UsedAssertions(dataSource, Clock.fixed(now, ZoneOffset.UTC)).firstUse(client, "new", now.plusSeconds(60))).isTrue();
    assertThat(jdbc.queryForList("select jti from sec_assertion_jti where client_id = ?", String.class, client))
        .containsExactlyInAnyOrder("just-expired", "new");
  }
}
