/**
 * Telemetry through OpenTelemetry: one meter provider built at the composition root
 * ({@link io.llmaos.server.telemetry.Telemetry}) with the Prometheus scrape endpoint, and the server's
 * instruments ({@link io.llmaos.server.telemetry.ServerMetrics}), read from the scheduler's, the
 * lifecycle's and the resource monitor's own counters when scraped: no work on the request path.
 */
package io.llmaos.server.telemetry;
