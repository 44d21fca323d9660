package io.llmaos.server.core.error;

/**
 * What went wrong, in the server's own words. Each code maps to exactly one gRPC status code in
 * {@code api.mapping}; the name travels to clients as the {@code google.rpc.ErrorInfo} reason.
 */
public enum ErrorCode {
    /** The request is malformed: bad tensor, unknown field, value out of range. */
    INVALID_ARGUMENT,
    /** No such model, version or resource. */
    NOT_FOUND,
    /** What the request would create exists already (e.g. a shared-memory region of that name). */
    ALREADY_EXISTS,
    /** The request is valid but the target is in the wrong state for it (e.g. wrong model kind). */
    FAILED_PRECONDITION,
    /** The model exists but has no ready version right now. */
    MODEL_NOT_READY,
    /** The server is starting or shutting down and takes no new work. */
    SERVER_UNAVAILABLE,
    /** A queue, quota or memory budget is full; the caller may retry later. */
    CAPACITY_EXCEEDED,
    /** The request's deadline or timeout passed before it could complete. */
    DEADLINE_EXCEEDED,
    /** The caller cancelled the request. */
    CANCELLED,
    /** No valid credentials were presented. */
    UNAUTHENTICATED,
    /** The caller is known but not allowed to do this. */
    PERMISSION_DENIED,
    /** The engine failed while loading or running a model. */
    ENGINE_FAILURE,
    /** The operation is not implemented by this server. */
    UNIMPLEMENTED,
    /** A bug or an unexpected condition inside the server. */
    INTERNAL
}
