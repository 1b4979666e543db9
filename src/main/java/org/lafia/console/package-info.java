/**
 * The web console: server-rendered pages (Thymeleaf, French first, English by {@code ?lang=en})
 * for the person signed in with the built-in identity provider. It reads the FHIR API over HTTP
 * as that person (a token from {@link org.lafia.security.PersonTokens}), so it shows exactly what
 * their role, facilities and territories open to them, and every access is audited under their
 * name. Small client libraries (Leaflet for the map) come from WebJars inside the jar.
 */
package org.lafia.console;
