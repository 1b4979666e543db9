/**
 * The FHIR R4 API and store: every resource type, read/write/history/search, transactions and
 * operations at {@code /fhir}, on PostgreSQL with plain batched SQL.
 *
 * <p>Public face: {@link org.lafia.fhir.FhirConfiguration} (the HAPI {@code FhirContext} and the
 * servlet). Inside: {@code index} turns a resource into typed search values with extractors
 * compiled once per search parameter; {@code store} writes bodies and values in a handful of
 * statements per transaction; {@code search} composes SQL from search parameters; {@code rest}
 * speaks HTTP. Other modules will plug in through ports (access filter, audit sink) added here.
 */
package org.lafia.fhir;
