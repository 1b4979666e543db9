package org.lafia.fhir;

import ca.uhn.fhir.context.FhirContext;
import javax.sql.DataSource;
import org.lafia.fhir.rest.FhirServices;
import org.lafia.fhir.rest.FhirServlet;
import org.lafia.fhir.spi.AccessPolicy;
import org.lafia.fhir.spi.AuditSink;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The FHIR R4 context (built once: it is expensive) and the API servlet at {@code /fhir/*}. */
@Configuration(proxyBeanMethods = false)
public class FhirConfiguration {

  @Bean
  public FhirContext fhirContext() {
    return FhirContext.forR4Cached();
  }

  @Bean
  public FhirServices fhirServices(FhirContext ctx, DataSource dataSource, FhirProperties props, AccessPolicy access,
      AuditSink audit, org.springframework.beans.factory.ObjectProvider<org.lafia.fhir.spi.ProvidedResources> provided,
      org.springframework.beans.factory.ObjectProvider<org.lafia.fhir.spi.IncomingResources> incoming,
      org.springframework.beans.factory.ObjectProvider<org.lafia.fhir.spi.PatientMatcher> matcher) {
    return new FhirServices(ctx, dataSource, props.defaultPageSize(), props.maxPageSize(), props.maxBodyBytes(), access, audit,
        provided.getIfAvailable(() -> org.lafia.fhir.spi.ProvidedResources.NONE),
        org.lafia.fhir.spi.IncomingResources.all(incoming.orderedStream().toList()), matcher.getIfAvailable());
  }

  /** Fills the care relationships from the index at the first start after they appeared (V9). */
  @Bean
  @org.springframework.context.annotation.DependsOn("flywayInitializer")
  public org.springframework.boot.ApplicationRunner careBackfill(FhirServices services, DataSource dataSource) {
    return args -> {
      try (java.sql.Connection c = dataSource.getConnection()) {
        services.care().backfill(c);
      }
    };
  }

  @Bean
  public ServletRegistrationBean<FhirServlet> fhirServlet(FhirServices services) {
    ServletRegistrationBean<FhirServlet> reg = new ServletRegistrationBean<>(new FhirServlet(services), "/fhir/*");
    reg.setName("fhir");
    reg.setLoadOnStartup(1);
    return reg;
  }
}
