package org.lafia.security;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.lafia.fhir.spi.AccessPolicy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.web.authentication.OidcLogoutAuthenticationSuccessHandler;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;

/**
 * Who may call Lafia, in three filter chains: the built-in OAuth 2.0 / OpenID Connect server's
 * endpoints (Spring Authorization Server; off when an external issuer is configured), the FHIR
 * API (bearer JWTs only, stateless; {@code /fhir/metadata} open), and the rest (sign-in page,
 * health, sessions shared through PostgreSQL). See docs/architecture.md, "Security".
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

  /**
   * No Micrometer observations of the security filters: with them every request records an
   * event, with its tags, before and after each of a dozen filters — a fifth of what a FHIR read
   * allocated, for metrics no one collects. The request itself is still observed
   * (http.server.requests).
   */
  @Bean
  org.springframework.security.config.observation.SecurityObservationSettings noSecurityObservations() {
    return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
  }

  /**
   * Spring Security's strict firewall, with its rule for header values (assigned characters, no
   * control character) checked by a loop rather than its regular expression: the regex cost a
   * FHIR request 0.03 ms on its 1.3 KB bearer token alone.
   */
  @Bean
  org.springframework.security.web.firewall.HttpFirewall httpFirewall() {
    var firewall = new org.springframework.security.web.firewall.StrictHttpFirewall();
    firewall.setAllowedHeaderValues(SecurityConfiguration::printable);
    return firewall;
  }

  /**
   * FHIR requests go straight to the security filter chains. Spring Security wraps its filter in
   * one that first looks the request up in every Spring MVC handler mapping (and caches the result
   * for its MVC request matchers and CORS): the FHIR API is a plain servlet that uses neither, and
   * the lookup cost each FHIR request 0.05 ms of CPU. Everything else keeps the wrapper.
   */
  @Bean
  static org.springframework.beans.factory.config.BeanPostProcessor fhirRequestsSkipMvcLookup(
      org.springframework.beans.factory.ObjectProvider<org.springframework.security.web.firewall.HttpFirewall> firewall) {
    return new org.springframework.beans.factory.config.BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (!"springSecurityFilterChain".equals(name) || !(bean instanceof org.springframework.security.web.FilterChainProxy all)) {
          return bean;
        }
        var direct = new org.springframework.security.web.FilterChainProxy(all.getFilterChains());
        direct.setFirewall(firewall.getObject());
        direct.afterPropertiesSet();
        return new FhirFirst(all, direct);
      }
    };
  }

  /** The security filter for every request, and the same chains without the MVC lookup for {@code /fhir/}. */
  static final class FhirFirst extends org.springframework.security.web.FilterChainProxy {
    private final org.springframework.security.web.FilterChainProxy all;
    private final org.springframework.security.web.FilterChainProxy direct;

    FhirFirst(org.springframework.security.web.FilterChainProxy all, org.springframework.security.web.FilterChainProxy direct) {
      super(all.getFilterChains());
      this.all = all;
      this.direct = direct;
    }

    @Override
    public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response, jakarta.servlet.FilterChain chain)
        throws java.io.IOException, jakarta.servlet.ServletException {
      if (request instanceof jakarta.servlet.http.HttpServletRequest http
          && http.getRequestURI().startsWith(http.getContextPath() + "/fhir/")) {
        direct.doFilter(request, response, chain);
      } else {
        all.doFilter(request, response, chain);
      }
    }
  }

  /** As {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, StrictHttpFirewall's default for header values. */
  static boolean printable(String value) {
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (!Character.isDefined(cp) || Character.isISOControl(cp)) return false;
      i += Character.charCount(cp);
    }
    return true;
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    // Argon2id for every new hash; bcrypt hashes (e.g. imported accounts) still verify.
    String current = "argon2@SpringSecurity_v5_8";
    return new DelegatingPasswordEncoder(current, java.util.Map.of(
        current, Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
        "bcrypt", new BCryptPasswordEncoder()));
  }

  @Bean
  Accounts accounts(DataSource dataSource, PasswordEncoder passwords, SecurityProperties props) {
    return new Accounts(dataSource, passwords, props.maxFailedLogins(), props.lockout());
  }

  /** National administrators' changes to accounts, audited. */
  @Bean
  AccountAdministration accountAdministration(Accounts accounts, org.springframework.beans.factory.ObjectProvider<org.lafia.fhir.spi.AuditSink> audit,
      org.springframework.beans.factory.ObjectProvider<PersonTokens> tokens) {
    return new AccountAdministration(accounts, audit.getIfAvailable(() -> org.lafia.fhir.spi.AuditSink.NONE), tokens);
  }

  /** Before Spring Security's filters, so that a flood is turned away before any password is hashed. */
  @Bean
  org.springframework.boot.web.servlet.FilterRegistrationBean<SignInRateLimit> signInRateLimit(SecurityProperties props) {
    var reg = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(
        new SignInRateLimit(props.signInRatePerMinute(), java.time.Clock.systemUTC()));
    reg.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10);
    return reg;
  }

  @Bean
  AccessPolicy fhirAccessPolicy() {
    return new ScopeAccessPolicy();
  }

  /**
   * The FHIR API: bearer tokens only, no session, no CSRF (no cookie is ever trusted here). First
   * of the chains (its paths are the authorization server's by none): a FHIR request is matched at
   * once rather than tested against each of the authorization server's endpoints first.
   */
  @Bean
  @Order(-2)
  SecurityFilterChain fhirApi(HttpSecurity http, JwtDecoder jwtDecoder, SecurityProperties props) throws Exception {
    // Path matchers, not MVC ones: the FHIR API is its own servlet, not a Spring MVC controller.
    PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
    http.securityMatcher(path.matcher("/fhir/**"))
        .authorizeHttpRequests(a -> a
            .requestMatchers(path.matcher(HttpMethod.GET, "/fhir/metadata")).permitAll()
            .requestMatchers(path.matcher(HttpMethod.HEAD, "/fhir/metadata")).permitAll()
            .anyRequest().authenticated());
    bearerOnly(http, jwtDecoder, props, FhirAuthErrors.unauthenticated(), FhirAuthErrors.forbidden());
    return http.build();
  }

  /** The JSON APIs for people and systems ({@code /api/**}): bearer tokens, roles checked per API, problem+json refusals. */
  @Bean
  @Order(-1)
  SecurityFilterChain api(HttpSecurity http, JwtDecoder jwtDecoder, SecurityProperties props) throws Exception {
    PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
    http.securityMatcher(path.matcher("/api/**"))
        .authorizeHttpRequests(a -> a
            .requestMatchers(path.matcher("/api/audit/**")).hasRole("auditor")
            .requestMatchers(path.matcher("/api/registry/**")).hasAnyRole("registry-steward", "national-admin")
            .anyRequest().authenticated());
    bearerOnly(http, jwtDecoder, props, ApiAuthErrors.unauthenticated(), ApiAuthErrors.forbidden());
    return http.build();
  }

  /** Bearer JWTs only, no session, no CSRF (no cookie is trusted), refusals in the API's own format. */
  private static void bearerOnly(HttpSecurity http, JwtDecoder jwtDecoder, SecurityProperties props,
      org.springframework.security.web.AuthenticationEntryPoint unauthenticated,
      org.springframework.security.web.access.AccessDeniedHandler forbidden) throws Exception {
    http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable())
        .requestCache(c -> c.disable())
        .oauth2ResourceServer(r -> r
            .bearerTokenResolver(new BearerHeader())
            .jwt(j -> j.decoder(jwtDecoder).jwtAuthenticationConverter(jwt -> new ActorAuthentication(jwt, Actor.fromJwt(jwt, props.claims()))))
            .authenticationEntryPoint(unauthenticated)
            .accessDeniedHandler(forbidden))
        .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(forbidden));
  }

  /** Everything else: health and the sign-in page open; the rest needs a session (built-in) or a bearer token. */
  @Bean
  @Order(4)
  SecurityFilterChain web(HttpSecurity http, SecurityProperties props, Accounts accounts, JwtDecoder jwtDecoder,
      PasswordEncoder passwords) throws Exception {
    http.authorizeHttpRequests(a -> a
            .requestMatchers("/health", "/actuator/health", "/actuator/health/**", "/login", "/error", "/css/**", "/js/**",
                "/webjars/**", "/favicon.ico").permitAll()
            .anyRequest().authenticated())
        .headers(h -> h
            .contentSecurityPolicy(c -> c.policyDirectives("default-src 'self'; frame-ancestors 'none'; form-action 'self'"))
            .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
    if (props.builtIn()) {
      SavedRequestAwareAuthenticationSuccessHandler onward = new SavedRequestAwareAuthenticationSuccessHandler();
      http.authenticationProvider(new PasswordAndCodeAuthentication(accounts, passwords))
          .formLogin(f -> f.loginPage("/login")
              .authenticationDetailsSource(PasswordAndCodeAuthentication.Details::new)
              .successHandler((request, response, authentication) -> {
                accounts.succeeded(authentication.getName());
                onward.onAuthenticationSuccess(request, response, authentication);
              })
              .failureHandler((request, response, e) -> {
                String login = request.getParameter("username");
                String reason = e instanceof LockedException ? "locked" : e instanceof DisabledException ? "disabled" : "bad";
                if (e instanceof PasswordAndCodeAuthentication.CodeRequired) reason = e.getMessage().contains("enrolled") ? "enrol" : "code";
                if (login != null && !(e instanceof LockedException)) accounts.failed(login);
                response.sendRedirect(request.getContextPath() + "/login?error=" + reason);
              }))
          .logout(l -> l.logoutSuccessUrl("/login?logout"));
    } else {
      http.oauth2ResourceServer(r -> r.jwt(j -> j.decoder(jwtDecoder)))
          .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    }
    return http.build();
  }

  /** Tokens must carry this server's audience, from the expected issuer, within their lifetime. */
  static OAuth2TokenValidator<Jwt> validator(String issuer, String audience) {
    return new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer),
        new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience)));
  }

  /** With an external issuer (e.g. a Keycloak realm): its published keys, its tokens. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnExpression("!'${lafia.security.external-issuer-uri:}'.isBlank()")
  static class ExternalIssuer {
    @Bean
    JwtDecoder jwtDecoder(SecurityProperties props) {
      // Algorithms named here, so that nothing is fetched from the issuer before the first token
      // arrives: Lafia starts even when its identity provider is down or has no key yet.
      NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(props.externalIssuerUri())
          .jwsAlgorithms(algs -> algs.addAll(List.of(org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256,
              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS384,
              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS512,
              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.ES256,
              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.ES384,
              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.PS256)))
          .build();
      decoder.setJwtValidator(validator(props.externalIssuerUri(), props.audience()));
      return new VerifiedTokens(decoder, java.time.Clock.systemUTC());
    }
  }

  /** Lafia as its own authorization server (the default). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnExpression("'${lafia.security.external-issuer-uri:}'.isBlank()")
  static class BuiltInServer {

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServer(HttpSecurity http, UsedAssertions usedAssertions, ApplicationEventPublisher events)
        throws Exception {
      OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
      http.securityMatcher(server.getEndpointsMatcher())
          .with(server, s -> s
              .oidc(o -> o.logoutEndpoint(l -> l.logoutResponseHandler(rpInitiatedLogout(events))))
              .clientAuthentication(c -> c.authenticationConverter(new SmartClientAssertion()).authenticationProviders(providers -> providers.forEach(p -> {
                if (p instanceof JwtClientAssertionAuthenticationProvider jwt) jwt.setJwtDecoderFactory(SystemClients.assertionDecoders(usedAssertions));
              }))))
          .authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
              new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
          .oauth2ResourceServer(r -> r.jwt(Customizer.withDefaults()));
      return http.build();
    }

    /**
     * OpenID Connect RP-initiated logout ({@code /connect/logout}) ends the session as the console's
     * {@code POST /logout} does, and, like it, announces the sign-out (the audit trail records it).
     */
    private static OidcLogoutAuthenticationSuccessHandler rpInitiatedLogout(ApplicationEventPublisher events) {
      OidcLogoutAuthenticationSuccessHandler handler = new OidcLogoutAuthenticationSuccessHandler();
      SecurityContextLogoutHandler endSession = new SecurityContextLogoutHandler();
      handler.setLogoutHandler((request, response, authentication) -> {
        if (authentication instanceof OidcLogoutAuthenticationToken logout && logout.isPrincipalAuthenticated()) {
          Authentication person = (Authentication) logout.getPrincipal();
          endSession.logout(request, response, person);
          events.publishEvent(new LogoutSuccessEvent(person));
        }
      });
      return handler;
    }

    /** Client assertions already used, shared by every node through PostgreSQL. */
    @Bean
    UsedAssertions usedAssertions(DataSource dataSource) {
      return new UsedAssertions(dataSource, java.time.Clock.systemUTC());
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(SecurityProperties props) {
      return AuthorizationServerSettings.builder().issuer(props.issuer()).build();
    }

    /** From start-up a signing key exists (made at once if none): the published JWKS is not left empty. */
    @Bean
    @org.springframework.context.annotation.DependsOn("flywayInitializer")
    SigningKeys signingKeys(DataSource dataSource, SecurityProperties props) {
      Duration longest = props.accessTokenTtl().compareTo(props.systemTokenTtl()) > 0 ? props.accessTokenTtl() : props.systemTokenTtl();
      SigningKeys keys = new SigningKeys(dataSource, props.keyRotation(), longest);
      // Generating an RSA key takes a few hundred milliseconds: on a new database it is made beside
      // the start-up rather than in it (a token asked for meanwhile waits for the same key).
      Thread first = new Thread(keys::current, "signing-key");
      first.setDaemon(true);
      first.start();
      return keys;
    }

    /**
     * The console sessions the authorization server knows (the {@code sid} of ID tokens, logout):
     * those of Spring Session in PostgreSQL, not a list in each node's memory that would grow
     * with every sign-in (sessions kept in PostgreSQL announce no end) and differ between nodes.
     */
    @Bean
    org.springframework.security.core.session.SessionRegistry sessionRegistry(
        org.springframework.session.FindByIndexNameSessionRepository<? extends org.springframework.session.Session> sessions) {
      return new org.springframework.session.security.SpringSessionBackedSessionRegistry<>(sessions);
    }

    /** Published at the JWKS endpoint: every key whose tokens may still be alive. */
    @Bean
    JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
      return keys.verificationKeys();
    }

    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
      return new NimbusJwtEncoder(keys.signingKey());
    }

    /** Tokens for the person signed in to the console (it reads the FHIR API as them). */
    @Bean
    PersonTokens personTokens(JwtEncoder encoder, Accounts accounts, SecurityProperties props) {
      return new PersonTokens(encoder, accounts, props, java.time.Clock.systemUTC());
    }

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, SecurityProperties props) {
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      processor.setJWSKeySelector(keys.verificationKeySelector());
      NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
      decoder.setJwtValidator(validator(props.issuer(), props.audience()));
      return new VerifiedTokens(decoder, java.time.Clock.systemUTC());
    }

    @Bean
    @org.springframework.context.annotation.DependsOn("flywayInitializer")
    RegisteredClientRepository registeredClients(DataSource dataSource) {
      return new JdbcRegisteredClientRepository(new JdbcTemplate(dataSource));
    }

    /**
     * Built after Flyway: the service reads its columns' types once, when built, and binds values
     * to match; before the migration it would take every blob column for a BLOB and bind bytes.
     */
    @Bean
    @org.springframework.context.annotation.DependsOn("flywayInitializer")
    OAuth2AuthorizationService authorizations(DataSource dataSource, RegisteredClientRepository clients) {
      return new JdbcOAuth2AuthorizationService(new JdbcTemplate(dataSource), clients);
    }

    @Bean
    @org.springframework.context.annotation.DependsOn("flywayInitializer")
    OAuth2AuthorizationConsentService consents(DataSource dataSource, RegisteredClientRepository clients) {
      return new JdbcOAuth2AuthorizationConsentService(new JdbcTemplate(dataSource), clients);
    }

    @Bean
    SystemClients systemClients(RegisteredClientRepository clients, SecurityProperties props) {
      return new SystemClients(clients, props.systemTokenTtl());
    }

    @Bean
    WebClients webClients(RegisteredClientRepository clients, PasswordEncoder passwords, SecurityProperties props) {
      return new WebClients(clients, passwords, props);
    }

    /** Access tokens name this API as audience and say who: a system, or a person with roles and attachments. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> tokenClaims(SecurityProperties props, Accounts accounts) {
      return context -> {
        boolean system = AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType());
        boolean access = OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType());
        boolean id = OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
        if (!access && !id) return;
        // Claims as ArrayLists: the authorization server keeps them as JSON with their types and, on
        // refresh or revocation, reads back only allow-listed ones (not List.of's immutable lists).
        if (access) context.getClaims().audience(new ArrayList<>(List.of(props.audience()))).claim("lafia_kind", system ? "system" : "user");
        if (system) return;
        Optional<Accounts.Account> account = accounts.find(context.getPrincipal().getName());
        // A refresh token outlives the sign-in: an account disabled (or removed) since gets no new token.
        if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
            && account.filter(Accounts.Account::enabled).isEmpty()) {
          throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
              "Ce compte n'est plus actif. / This account is no longer active.", null));
        }
        // Rotation makes each refresh token good once, but each refresh also starts a new lifetime:
        // without this cap a stolen refresh token (or a shared workstation) would stay signed in for
        // ever. The sign-in (its authorization code) must be younger than the session's maximum age.
        if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType()) && context.getAuthorization() != null) {
          var code = context.getAuthorization().getToken(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode.class);
          java.time.Instant signedIn = code == null ? null : code.getToken().getIssuedAt();
          if (signedIn == null || signedIn.plus(props.sessionMaxAge()).isBefore(java.time.Instant.now())) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                "La session a dépassé sa durée maximale : reconnectez-vous. / The session has reached its maximum age: sign in again.", null));
          }
        }
        account.ifPresent(a -> context.getClaims()
            .claim("name", a.displayName())
            .claim("roles", new ArrayList<>(a.roles()))
            .claim("facilities", new ArrayList<>(a.facilities()))
            .claim("territories", new ArrayList<>(a.territories())));
      };
    }

    /** The documented demo accounts, when asked for (./run.sh does). */
    @Bean
    org.springframework.boot.ApplicationRunner demoAccounts(SecurityProperties props, Accounts accounts, SystemClients clients,
        WebClients webClients, org.lafia.platform.DatabaseProperties db) {
      return args -> {
        if (props.demoAccounts()) DemoAccounts.ensure(accounts, clients, webClients, props, java.nio.file.Path.of(db.dataDir()));
      };
    }

    /** The console (and any first-party web page): authorization code with PKCE, no secret. */
    @Bean
    org.springframework.boot.ApplicationRunner registerConsole(RegisteredClientRepository clients, SecurityProperties props) {
      return args -> {
        RegisteredClient existing = clients.findByClientId("lafia-console");
        clients.save(RegisteredClient.withId(existing == null ? UUID.randomUUID().toString() : existing.getId())
            .clientId("lafia-console")
            .clientName("Lafia console")
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUris(u -> u.addAll(props.consoleRedirectUris()))
            .postLogoutRedirectUri(props.issuer() + "/login?logout")
            .scopes(s -> s.addAll(List.of(OidcScopes.OPENID, OidcScopes.PROFILE, "fhirUser")))
            .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
            .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(props.accessTokenTtl()).build())
            .build());
      };
    }
  }
}
