/**
 * The model optimizer ({@code llmaos optimize}): searches a model's serving configuration (batching,
 * instances, threads, engine options, sequences) for an objective under constraints, driving a server
 * only through the client (or one it starts as a separate process) and measuring with the load-test
 * library; reports every trial and writes the best as the model's {@code config.json}.
 */
package io.llmaos.optimizer;
