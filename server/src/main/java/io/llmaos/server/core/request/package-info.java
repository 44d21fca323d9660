/**
 * What a caller asks of the scheduler and what it gets back, as plain records: an inference request
 * (tensors, priority, tenant, deadline, cancellation) and its result, a generation request
 * (prompt, sampling parameters) with its listener, tokens, usage and finish reasons, and the
 * reference to a model version.
 */
package io.llmaos.server.core.request;
