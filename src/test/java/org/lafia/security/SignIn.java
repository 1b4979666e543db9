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
 * with cookies: the console's authorization request (PKCE), the login form with its CSRF token,
 * the redirect back with a code, and the code exchanged for tokens.
 */
final class SignIn {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

  /** Where the sign-in ended: tokens, or the login page's error code. */
  record Result(JsonNode tokens, String error) {}

  private final String base;
  private final String redirectUri;
  final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER).build();

  SignIn(int port, String redirectUri) {
    this.base = "http://localhost:" + port;
    this.redirectUri = redirectUri;
  }

  Result as(String login, String password, String code) throws Exception {
    String verifier = random();
    String challenge = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    String authorize = base + "/oauth2/authorize?response_type=code&client_id=lafia-console&scope=openid%20profile"
        + "&state=s1&redirect_uri=" + enc(redirectUri) + "&code_challenge=" + challenge + "&code_challenge_method=S256";
    HttpResponse<String> r = get(authorize);
    if (r.statusCode() != 302 || !location(r).endsWith("/login")) throw new IllegalStateException("authorize: " + r.statusCode() + " " + location(r));
    String page = get(base + "/login").body();
    Matcher m = CSRF.matcher(page);
    if (!m.find()) throw new IllegalStateException("No CSRF token on the login page");
    String form = "username=" + enc(login) + "&password=" + enc(password) + "&_csrf=" + enc(m.group(1))
        + (code == null ? "" : "&code=" + enc(code));
    r = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    String next = location(r);
    if (next.contains("/login?error=")) return new Result(null, next.substring(next.indexOf("error=") + 6));
    r = get(next.startsWith("http") ? next : base + next);
    String back = location(r);
    if (!back.startsWith(redirectUri)) throw new IllegalStateException("Not sent back to the client: " + r.statusCode() + " " + back);
    String authCode = back.replaceAll(".*[?&]code=([^&]+).*", "$1");
    String exchange = "grant_type=authorization_code&client_id=lafia-console&code=" + authCode
        + "&redirect_uri=" + enc(redirectUri) + "&code_verifier=" + verifier;
    r = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(exchange)).build(), HttpResponse.BodyHandlers.ofString());
    return new Result(JSON.readTree(r.body()), null);
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String location(HttpResponse<?> r) {
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
