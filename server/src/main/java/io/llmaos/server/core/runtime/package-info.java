/**
 * The process around the server's work: the injected {@link io.llmaos.server.core.runtime.Clock}
 * (every time read goes through it, so tests can use a manual one), saturating duration
 * arithmetic, the serving phase, and build information.
 */
package io.llmaos.server.core.runtime;
