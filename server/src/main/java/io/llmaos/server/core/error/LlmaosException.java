package io.llmaos.server.core.error;

import io.llmaos.server.core.runtime.ServingPhase;
import java.util.Objects;

/**
 * The one exception family of the server. Every layer throws it (or a subclass that carries more
 * detail) with an {@link ErrorCode}; the API edge maps it to a gRPC status in one place. The message
 * is shown to clients, so it must say what is wrong without leaking internals.
 */
public class LlmaosException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public LlmaosException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public LlmaosException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, true);
    }

    /**
     * For errors that are part of normal operation (a full queue, a timeout, a cancel, a bad
     * request): {@code withStackTrace} false skips capturing a stack trace, which under overload
     * would cost more than answering.
     */
    protected LlmaosException(ErrorCode code, String message, Throwable cause, boolean withStackTrace) {
        super(Objects.requireNonNull(message, "message"), cause, false, withStackTrace);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** An error of normal operation, without a stack trace (see the protected constructor). */
    public static LlmaosException expected(ErrorCode code, String message) {
        return new LlmaosException(code, message, null, false);
    }

    /** What went wrong. */
    public ErrorCode code() {
        return code;
    }

    /** No model, version or resource of that name. */
    public static LlmaosException notFound(String message) {
        return new LlmaosException(ErrorCode.NOT_FOUND, message);
    }

    /** The server is not taking new work in its current phase. */
    public static LlmaosException serverUnavailable(ServingPhase phase) {
        String why = phase == ServingPhase.STARTING ? "is starting" : "is shutting down";
        return new LlmaosException(ErrorCode.SERVER_UNAVAILABLE, "the server " + why + " and accepts no new calls");
    }
}
