/**
 * The scheduling layer: which request runs when and where. For now the direct path (a request
 * borrows an instance of a READY version and runs alone); priority queues, tenants, deadlines,
 * dynamic batching, instance scaling and the continuous batching loop replace it here.
 */
package io.llmaos.server.scheduler;
