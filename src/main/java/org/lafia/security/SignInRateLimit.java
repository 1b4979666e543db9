package org.lafia.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Slows password guessing and token-endpoint abuse: at most {@code perMinute} sign-in attempts
 * (POST /login) and token requests (POST /oauth2/token) per client address and minute on each
 * node; beyond, 429 with Retry-After. The account lock-out (in the database, for every node)
 * protects each account; this protects the node and limits spraying across accounts.
 */
final class SignInRateLimit extends OncePerRequestFilter {
  private record Window(long minute, AtomicInteger count) {}

  private final int perMinute;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  SignInRateLimit(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return !"POST".equals(request.getMethod()) || !(path.equals("/login") || path.equals("/oauth2/token"));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (allow(request.getRemoteAddr())) {
      chain.doFilter(request, response);
      return;
    }
    long secondsLeft = 60 - (clock.millis() / 1000) % 60;
    response.setStatus(429);
    response.setHeader("Retry-After", Long.toString(secondsLeft));
    response.setContentType("application/problem+json;charset=UTF-8");
    response.getOutputStream().write(("{\"title\":\"Too many attempts / Trop de tentatives\",\"status\":429,\"detail\":\"Too many"
        + " sign-in or token requests from this address; retry in " + secondsLeft + " s. / Trop de tentatives depuis cette"
        + " adresse ; réessayez dans " + secondsLeft + " s.\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  boolean allow(String address) {
    long minute = clock.millis() / 60_000;
    if (windows.size() > 100_000) windows.values().removeIf(w -> w.minute() < minute); // stale windows of past minutes
    Window w = windows.compute(address, (k, old) -> old == null || old.minute() != minute ? new Window(minute, new AtomicInteger()) : old);
    return w.count().incrementAndGet() <= perMinute;
  }
}
