/**
 * Server interceptors that every call passes through: the drain gate (rejects new work while the
 * server starts or shuts down, and counts in-flight calls so a graceful shutdown can wait for them)
 * and the status safety net (an exception escaping a service, or an UNKNOWN status, becomes a
 * mapped status). Authentication, tenant extraction and access logging join here.
 */
package io.llmaos.server.api.interceptor;
