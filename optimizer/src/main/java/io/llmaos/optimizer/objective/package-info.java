/** What a search wants: measures, metrics, constraints, and the objective (throughput, latency, or the seed's J). */
package io.llmaos.optimizer.objective;
