/**
 * The composition root: {@link io.llmaos.server.Main} parses the command line and
 * {@link io.llmaos.server.LlmaosServer} wires the layers together by constructor injection and owns
 * start and graceful stop. Nothing imports this package.
 */
package io.llmaos.server;
