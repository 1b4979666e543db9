package org.lafia.security;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.web.authentication.JwtClientAssertionAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * SMART Backend Services clients send a signed assertion without {@code client_id} (the
 * assertion's {@code sub} names the client); Spring Authorization Server wants the parameter. This
 * converter supplies it from the assertion, unverified: the assertion is then verified against
 * the keys registered for that very client, and its iss and sub must both equal the client id.
 */
final class SmartClientAssertion implements AuthenticationConverter {
  private final JwtClientAssertionAuthenticationConverter standard = new JwtClientAssertionAuthenticationConverter();

  @Override
  public Authentication convert(HttpServletRequest request) {
    String assertion = request.getParameter("client_assertion");
    if (assertion == null || request.getParameter("client_id") != null) return standard.convert(request);
    String subject;
    try {
      subject = SignedJWT.parse(assertion).getJWTClaimsSet().getSubject();
    } catch (ParseException | RuntimeException e) {
      return standard.convert(request); // refused there as a malformed request
    }
    if (subject == null || subject.isBlank()) return standard.convert(request);
    return standard.convert(new WithClientId(request, subject));
  }

  private static final class WithClientId extends HttpServletRequestWrapper {
    private final String clientId;

    WithClientId(HttpServletRequest request, String clientId) {
      super(request);
      this.clientId = clientId;
    }

    @Override
    public String getParameter(String name) {
      return name.equals("client_id") ? clientId : super.getParameter(name);
    }

    @Override
    public String[] getParameterValues(String name) {
      return name.equals("client_id") ? new String[] {clientId} : super.getParameterValues(name);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
      Map<String, String[]> m = new LinkedHashMap<>(super.getParameterMap());
      m.put("client_id", new String[] {clientId});
      return m;
    }
  }
}
