/**
 * The Java client SDK over the generated stubs (a builder-made {@code LlmaosClient} with typed methods for every RPC) and the {@code llmaos} command line. It depends only on the contract, never on the server.
 */
package io.llmaos.client;
