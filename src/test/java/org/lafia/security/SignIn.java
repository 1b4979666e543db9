package org.lafia.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person signing in through the built-in identity provider as a browser would, over real HTTP
 * with cookies: the console's (or a web application's) authorization request (PKCE), the login form
 * with its CSRF token, the redirect back with a code, and the code exchanged for tokens (by a
 * confidential client with its secret, HTTP Basic).
 */
final class SignIn {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

  /** Where the sign-in ended: tokens, or the login page's error code. */
  record Result(JsonNode tokens, String error) {}

  final String base;
  private final String redirectUri;
  private final String clientId;
  private final String secret;
  final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER).build();

  SignIn(int port, String redirectUri) {
    this(port, redirectUri, "lafia-console", null);
  }

  /** A confidential client when {@code secret} is given, else a public one. */
  SignIn(int port, String redirectUri, String clientId, String secret) {
    this.base = "http://localhost:" + port;
    this.redirectUri = redirectUri;
    this.clientId = clientId;
    this.secret = secret;
  }

  /** An authorization request (PKCE) for this client. */
  String authorizeUrl(String challenge) {
    return base + "/oauth2/authorize?response_type=code&client_id=" + enc(clientId) + "&scope=openid%20profile"
        + "&state=s1&redirect_uri=" + enc(redirectUri) + "&code_challenge=" + challenge + "&code_challenge_method=S256";
  }

  Result as(String login, String password, String code) throws Exception {
    String verifier = random();
    String challenge = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    HttpResponse<String> r = get(authorizeUrl(challenge));
    if (r.statusCode() != 302 || !location(r).endsWith("/login")) throw new IllegalStateException("authorize: " + r.statusCode() + " " + location(r));
    String form = "username=" + enc(login) + "&password=" + enc(password) + "&_csrf=" + enc(csrf())
        + (code == null ? "" : "&code=" + enc(code));
    r = post("/login", form);
    String next = location(r);
    if (next.contains("/login?error=")) return new Result(null, next.substring(next.indexOf("error=") + 6));
    r = get(next.startsWith("http") ? next : base + next);
    String back = location(r);
    if (!back.startsWith(redirectUri)) throw new IllegalStateException("Not sent back to the client: " + r.statusCode() + " " + back);
    String authCode = back.replaceAll(".*[?&]code=([^&]+).*", "$1");
    String exchange = "grant_type=authorization_code&code=" + authCode
        + "&redirect_uri=" + enc(redirectUri) + "&code_verifier=" + verifier + (secret == null ? "&client_id=" + enc(clientId) : "");
    return new Result(JSON.readTree(post("/oauth2/token", exchange).body()), null);
  }

  /** A form POSTed by this browser; to the authorization server's endpoints, with the client's secret (HTTP Basic) if it has one. */
  HttpResponse<String> post(String path, String form) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded");
    if (secret != null && path.startsWith("/oauth2/")) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Where an authorization request now leads: straight back with a code while signed in, else the sign-in page. */
  String authorizeAgain() throws Exception {
    return location(get(authorizeUrl(random()))); // any 43 characters of base64url make a valid challenge
  }

  /** The CSRF token of this browser's session, as the sign-in page's form carries it. */
  String csrf() throws Exception {
    Matcher m = CSRF.matcher(get(base + "/login").body());
    if (!m.find()) throw new IllegalStateException("No CSRF token on the login page");
    return m.group(1);
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String location(HttpResponse<?> r) {
    return r.headers().firstValue("Location").orElse("");
  }

  private static String random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
