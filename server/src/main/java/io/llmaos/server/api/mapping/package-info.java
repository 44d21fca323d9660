/**
 * Conversions between the generated contract classes and core values, and
 * {@link io.llmaos.server.api.mapping.StatusMapper}: the one place where an exception becomes a
 * gRPC status (with {@code google.rpc} details), so every error a client sees has a meaningful code
 * and never UNKNOWN.
 */
package io.llmaos.server.api.mapping;
