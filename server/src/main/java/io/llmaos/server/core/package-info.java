/**
 * The shared vocabulary of the server, with no imports from any other server package: error codes
 * and the exception family every layer throws, the injected {@link io.llmaos.server.core.Clock},
 * the server's serving phase, and build information. Later layers add tensors, requests, model ids,
 * priorities, deadlines and tenants here, as plain records.
 */
package io.llmaos.server.core;
