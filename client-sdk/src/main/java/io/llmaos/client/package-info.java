/**
 * The Java SDK of LLMA OS: {@link io.llmaos.client.LlmaosClient} (built with a builder: one or
 * several targets balanced round-robin with health checking, TLS, token, tenant, default deadline,
 * retries of idempotent calls) with a typed method for every RPC, typed exceptions from status
 * codes ({@link io.llmaos.client.LlmaosClientException}), and tensor helpers
 * ({@link io.llmaos.client.Tensors}).
 */
package io.llmaos.client;
