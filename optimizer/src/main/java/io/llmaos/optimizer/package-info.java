/**
 * The offline optimizer: it searches serving configurations (batching, instances, threads) for a model by driving a server through the client and load generator, and writes the best as the model's {@code config.json}.
 */
package io.llmaos.optimizer;
