/**
 * The demo country: a realistic Togo, so that a person who starts Lafia with {@code ./run.sh}
 * meets a country rather than an empty server. Loaded through the FHIR API like any client's
 * data, as the system client {@code lafia-demo}, when {@code lafia.demo.enabled} is on (the run
 * command turns it on; a deployment leaves it off).
 *
 * <p>Public face: {@link org.lafia.demo.DemoGeography} (the country's regions, prefectures and public
 * health facilities as an IHE mCSD transaction bundle, built from the compact data under
 * {@code demo/tg/}) and {@link org.lafia.demo.DemoLoader} (puts it into the store at start-up).
 */
package org.lafia.demo;
