/**
 * Probabilistic record linkage of persons: {@link org.lafia.registry.matching.Linkage} is the
 * entry point; the rest (name keys, comparison levels, the model, blocking) is internal to it.
 */
package org.lafia.registry.matching;
