package org.lafia.fhir;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The FHIR API's settings ({@code lafia.fhir.*}).
 *
 * @param maxBodyBytes request bodies above this are refused with 413
 * @param defaultPageSize search page size when the client gives no _count
 * @param maxPageSize the largest _count honoured
 */
@ConfigurationProperties(prefix = "lafia.fhir")
public record FhirProperties(Long maxBodyBytes, Integer defaultPageSize, Integer maxPageSize) {
  public FhirProperties {
    if (maxBodyBytes == null || maxBodyBytes <= 0) maxBodyBytes = 128L * 1024 * 1024;
    if (defaultPageSize == null || defaultPageSize <= 0) defaultPageSize = 20;
    if (maxPageSize == null || maxPageSize <= 0) maxPageSize = 1000;
  }
}
