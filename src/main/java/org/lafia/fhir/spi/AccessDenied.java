package org.lafia.fhir.spi;

/** The caller is authenticated but may not do this; the message says what was refused, for a person. */
public final class AccessDenied extends RuntimeException {
  public AccessDenied(String message) {
    super(message);
  }
}
