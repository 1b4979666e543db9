package org.lafia;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.lafia.security.SystemClients;
import org.springframework.context.ApplicationContext;

/**
 * Access tokens for tests, obtained the way a facility system obtains them: a system client
 * registered with its public key, then SMART Backend Services at the real token endpoint (a JWT
 * assertion signed RS384). Tokens are cached per server and scope set until shortly before expiry.
 */
public final class TestAuth {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Map<String, Cached> TOKENS = new ConcurrentHashMap<>();
  private static final RSAKey KEY = newKey();

  private record Cached(String token, Instant until) {}

  private TestAuth() {}

  /** A token of a system client allowed everything ({@code system/*.cruds}) on this server. */
  public static String fullAccess(ApplicationContext ctx, int port) {
    return systemToken(ctx, port, "test-system-all", "system/*.cruds");
  }

  /** A token of a system client registered with exactly these scopes, asking for all of them. */
  public static String systemToken(ApplicationContext ctx, int port, String clientId, String... scopes) {
    String key = port + " " + clientId + " " + String.join(" ", scopes);
    Cached c = TOKENS.get(key);
    if (c != null && Instant.now().isBefore(c.until())) return c.token();
    register(ctx, clientId, List.of(scopes));
    JsonNode answer = requestToken(ctx, port, clientId, KEY, String.join(" ", scopes));
    if (!answer.has("access_token")) throw new IllegalStateException("No token for " + clientId + ": " + answer);
    String token = answer.get("access_token").asText();
    TOKENS.put(key, new Cached(token, Instant.now().plusSeconds(answer.get("expires_in").asLong() - 30)));
    return token;
  }

  /** Registers a system client with the tests' public key. */
  public static void register(ApplicationContext ctx, String clientId, List<String> scopes) {
    ctx.getBean(SystemClients.class).register(clientId, "Test system " + clientId, new JWKSet(KEY.toPublicJWK()).toString(), scopes);
  }

  /** POSTs a client-credentials request with a signed assertion; returns the JSON answer (token or error). */
  public static JsonNode requestToken(ApplicationContext ctx, int port, String clientId, RSAKey key, String scope) {
    String issuer = ctx.getEnvironment().getProperty("lafia.security.issuer");
    HttpResponse<String> r = postAssertion(port, assertion(clientId, issuer + "/oauth2/token", key), scope);
    try {
      return JSON.readTree(r.body().isEmpty() ? "{\"status\":" + r.statusCode() + "}" : r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** POSTs a client-credentials request with this very assertion; returns the raw answer. */
  public static HttpResponse<String> postAssertion(int port, String assertion, String scope) {
    String form = "grant_type=client_credentials"
        + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        + "&client_assertion=" + enc(assertion)
        + (scope == null ? "" : "&scope=" + enc(scope));
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/token"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A SMART client assertion: iss = sub = client id, aud = the token endpoint, five minutes, fresh jti. */
  public static String assertion(String clientId, String audience, RSAKey key) {
    return assertion(clientId, audience, key, UUID.randomUUID().toString(), Instant.now().plusSeconds(300));
  }

  /** A SMART client assertion with this jti (none if null) and expiry. */
  public static String assertion(String clientId, String audience, RSAKey key, String jti, Instant expires) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).build(),
          new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
              .jwtID(jti).expirationTime(Date.from(expires)).build());
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static RSAKey testKey() {
    return KEY;
  }

  public static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
