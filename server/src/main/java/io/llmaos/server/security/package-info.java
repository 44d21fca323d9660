/**
 * Who may call, and as whom: bearer tokens (kept only as SHA-256 hashes) bound to a tenant and
 * roles, read from a file that is re-read when it changes. Plain Java: the gRPC interceptors in
 * {@code api.interceptor} put these identities on calls.
 */
package io.llmaos.server.security;
