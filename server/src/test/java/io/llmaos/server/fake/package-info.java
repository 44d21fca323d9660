/**
 * A deterministic fake engine (configurable latency, failures and memory) and a repository of fake
 * models, so scheduler, admission and lifecycle tests run without native libraries, beside the
 * end-to-end tests on the real engines.
 */
package io.llmaos.server.fake;
