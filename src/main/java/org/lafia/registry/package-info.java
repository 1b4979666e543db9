/**
 * National registries: the client registry (master patient index) and the national health ID.
 *
 * <p>Publishes {@link org.lafia.registry.NationalHealthId} (format, check digit, issuance) and the
 * batch linkage command {@link org.lafia.registry.MpiCommand} ({@code lafia.jar mpi dedup|link});
 * the matching engine itself ({@code matching}: normalised names, comparison levels,
 * Fellegi-Sunter with EM-estimated parameters, blocking) is used by both the batch command and,
 * later, by the registry's matching of every incoming Patient. Depends on nothing but libraries.
 */
package org.lafia.registry;
