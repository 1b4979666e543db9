package org.lafia.fhir.search;

import java.util.List;
import org.lafia.fhir.store.StoredResource;

/**
 * One page of a search.
 *
 * @param total number of matches, or null when not computed ({@code _total=none})
 * @param nextQuery the query string of the next page, or null on the last page
 * @param patients the ids of the Patients whose compartment the matches (not the included
 *     resources) are in, Patients themselves excepted: for the audit trail
 */
public record SearchResult(
    List<StoredResource> matches,
    List<StoredResource> included,
    Integer total,
    String nextQuery,
    java.util.Set<String> patients) {}
