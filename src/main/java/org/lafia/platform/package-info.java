/**
 * Platform plumbing shared by every module: the PostgreSQL data source (embedded by default, any
 * external server by configuration) and health checks. Holds no domain logic and no state.
 */
package org.lafia.platform;
