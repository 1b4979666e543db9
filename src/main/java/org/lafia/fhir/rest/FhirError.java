package org.lafia.fhir.rest;

/**
 * A request Lafia refuses, with the HTTP status and the OperationOutcome issue code it maps to.
 * Thrown anywhere below the servlet; turned into an OperationOutcome in one place.
 */
public class FhirError extends RuntimeException {
  private final int status;
  private final String issueCode;

  public FhirError(int status, String issueCode, String message) {
    super(message);
    this.status = status;
    this.issueCode = issueCode;
  }

  public int status() {
    return status;
  }

  public String issueCode() {
    return issueCode;
  }

  static FhirError badRequest(String message) {
    return new FhirError(400, "invalid", message);
  }

  static FhirError notFound(String message) {
    return new FhirError(404, "not-found", message);
  }

  static FhirError unprocessable(String message) {
    return new FhirError(422, "processing", message);
  }

  static FhirError preconditionFailed(String message) {
    return new FhirError(412, "conflict", message);
  }

  static FhirError conflict(String message) {
    return new FhirError(409, "conflict", message);
  }
}
