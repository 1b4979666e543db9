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
   * @param store what is stored already, searched on the write's own connection with no caller's
   *     restriction (the registry matches a new Patient against every person, whoever registers them)
   * @return whether {@code resource} was changed
   * @throws Rejected when the resource must not be stored; its message is for the person who sent it
   */
  boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous, Store store) throws SQLException;

  /** A resource of one of {@link #types()} was deleted, in that transaction (the registry stops matching on it). */
  default void deleted(Connection c, String type, String id) throws SQLException {}

  /** FHIR searches of the store, as a rule sees it: everything committed, and this transaction's earlier writes once flushed. */
  @FunctionalInterface
  interface Store {
    /** The first page of a FHIR search (parameters as in a query string; {@code _count} is honoured). */
    java.util.List<IBaseResource> search(String type, java.util.Map<String, java.util.List<String>> params) throws SQLException;
  }

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

  /** Every module's rules as one: each resource is passed to the rules of its type, in order. */
  static IncomingResources all(java.util.List<IncomingResources> rules) {
    if (rules.isEmpty()) return NONE;
    if (rules.size() == 1) return rules.get(0);
    Set<String> types = new java.util.HashSet<>();
    for (IncomingResources r : rules) types.addAll(r.types());
    Set<String> all = Set.copyOf(types);
    return new IncomingResources() {
      @Override
      public Set<String> types() {
        return all;
      }

      @Override
      public boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous, Store store) throws SQLException {
        boolean changed = false;
        for (IncomingResources r : rules) if (r.types().contains(type)) changed |= r.prepare(c, type, resource, previous, store);
        return changed;
      }

      @Override
      public void deleted(Connection c, String type, String id) throws SQLException {
        for (IncomingResources r : rules) if (r.types().contains(type)) r.deleted(c, type, id);
      }
    };
  }

  IncomingResources NONE = new IncomingResources() {
    @Override
    public Set<String> types() {
      return Set.of();
    }

    @Override
    public boolean prepare(Connection c, String type, IBaseResource resource, IBaseResource previous, Store store) {
      return false;
    }
  };
}
