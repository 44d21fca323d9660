/**
 * The server's immutable settings. Each {@link io.llmaos.server.config.Setting} can be given as a
 * command-line flag, as an {@code LLMAOS_*} environment variable or in a YAML/JSON config file, and
 * that is the order of precedence (flags win). {@link io.llmaos.server.config.SettingsLoader}
 * resolves and validates all of them at start and reports every bad value at once, naming where
 * it came from, so the server fails fast with a clear message instead of misbehaving later.
 */
package io.llmaos.server.config;
