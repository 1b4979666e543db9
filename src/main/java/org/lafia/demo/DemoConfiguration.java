package org.lafia.demo;

import ca.uhn.fhir.context.FhirContext;
import org.lafia.security.SecurityProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/** The demo country's loader. */
@Configuration(proxyBeanMethods = false)
public class DemoConfiguration {
  @Bean
  DemoLoader demoLoader(DemoProperties props, SecurityProperties security, ObjectProvider<JwtEncoder> encoder, FhirContext ctx) {
    return new DemoLoader(props, security, encoder, ctx);
  }
}
