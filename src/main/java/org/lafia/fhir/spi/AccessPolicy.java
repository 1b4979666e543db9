package org.lafia.fhir.spi;

/**
 * The port through which the security module decides what the caller of a FHIR request may do.
 * The FHIR layer asks before every interaction (each entry of a bundle too); the implementation
 * knows who is calling (it reads the request's authenticated principal) and refuses with
 * {@link AccessDenied}, which the API answers with 403.
 */
public interface AccessPolicy {

  /** FHIR interactions as SMART scopes name them (c r u d s). */
  enum Interaction {
    CREATE('c'), READ('r'), UPDATE('u'), DELETE('d'), SEARCH('s');

    public final char letter;

    Interaction(char letter) {
      this.letter = letter;
    }
  }

  /** Refuses with {@link AccessDenied} unless the caller may perform {@code interaction} on {@code resourceType}. */
  void check(String resourceType, Interaction interaction);

  /** Whether the caller may read resources of this type (to leave out included resources it may not). */
  boolean mayRead(String resourceType);

  /** Whose records the caller may see (searches, reads, includes, history, $everything). */
  default PatientScope patientScope() {
    return PatientScope.ALL;
  }

  /** No checks: for a store used without the security module (tools, storage tests). */
  AccessPolicy OPEN = new AccessPolicy() {
    @Override
    public void check(String resourceType, Interaction interaction) {}

    @Override
    public boolean mayRead(String resourceType) {
      return true;
    }
  };
}
