package org.lafia.fhir.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Rules another module applies to a resource before it is stored, inside the write's transaction
 * and on its connection: the registry gives a new Patient its national health ID and refuses an
 * invalid one. Every path that writes (create, update, conditional and patch, each entry of a
 * bundle) goes through it, so no path can store what a rule refuses.
 */
public interface IncomingResources {

  /** The resource types the rules apply to (others are not passed). */
  Set<String> types();

  /**
   * Checks and completes {@code resource} (it may change it).
   *
   * @param previous the version being replaced (parsed), or null when the resource is new (or was deleted)
   * @return whether {@code resource} was changed
   * @throws Rejected when the resource must not be stored; its message is for the person who sent it
   */
  boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous) throws SQLException;

  /** A resource refused by a rule: answered 422 with an OperationOutcome naming the element. */
  final class Rejected extends RuntimeException {
    private final String expression;

    public Rejected(String expression, String message) {
      super(message);
      this.expression = expression;
    }

    /** The FHIRPath of the element at fault, e.g. {@code Patient.identifier[0].value}. */
    public String expression() {
      return expression;
    }
  }

  IncomingResources NONE = new IncomingResources() {
    @Override
    public Set<String> types() {
      return Set.of();
    }

    @Override
    public boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous) {
      return false;
    }
  };
}
