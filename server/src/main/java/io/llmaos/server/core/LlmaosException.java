package io.llmaos.server.core;

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
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
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
