package org.lafia.fhir.search;

/** A search the client got wrong (400) — the message tells them what to change. */
public class BadSearch extends RuntimeException {
  public BadSearch(String message) {
    super(message);
  }
}
