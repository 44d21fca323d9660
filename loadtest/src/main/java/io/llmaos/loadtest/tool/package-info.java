/**
 * The load-test engine as a library ({@code llmaos loadtest} and the optimizer use it): a
 * {@link io.llmaos.loadtest.tool.Workload} (model, API, closed- or open-loop steps, inputs, priority
 * and tenant mixes, stability windows) run against a channel gives a {@link io.llmaos.loadtest.tool.Result}
 * (per step: throughput, latency percentiles, errors by status, the server's queue and compute split,
 * per priority and tenant, and for generation TTFT, inter-token latency and tokens/s).
 */
package io.llmaos.loadtest.tool;
