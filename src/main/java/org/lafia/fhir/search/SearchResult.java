package org.lafia.fhir.search;

import java.util.List;
import org.lafia.fhir.store.StoredResource;

/**
 * One page of a search.
 *
 * @param total number of matches, or null when not computed ({@code _total=none})
 * @param nextQuery the query string of the next page, or null on the last page
 */
public record SearchResult(
    List<StoredResource> matches,
    List<StoredResource> included,
    Integer total,
    String nextQuery) {}
