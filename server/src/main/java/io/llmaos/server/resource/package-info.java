/**
 * The resource layer: probes of the machine and the process (memory now; CPU, GPU, disk and
 * network as the layer grows), and later the ledger of budgets and admission. It imports no layer
 * above it.
 */
package io.llmaos.server.resource;
