/**
 * The resource layer: probes of the machine and the process (CPU, memory, GPUs, disk), sampled
 * on an interval by the monitor; later the ledger of budgets and admission. It imports no layer
 * above it.
 */
package io.llmaos.server.resource;
