/**
 * Telemetry through OpenTelemetry: one meter provider built at the composition root
 * ({@link io.llmaos.server.telemetry.Telemetry}) with the Prometheus scrape endpoint; the server's
 * counters and gauges ({@link io.llmaos.server.telemetry.ServerMetrics}), read from the scheduler's,
 * the lifecycle's and the resource monitor's own counters when scraped; and the histograms recorded as
 * requests, batches and tokens happen ({@link io.llmaos.server.telemetry.RequestHistograms}, the
 * scheduler's observer, labels bound once per model version).
 */
package io.llmaos.server.telemetry;
