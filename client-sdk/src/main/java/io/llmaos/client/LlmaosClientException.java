package io.llmaos.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An error answered by the server (or the transport), typed by its gRPC status code. Catch a
 * subclass for the cases a caller handles differently: bad input, a missing model, a server or
 * model not ready, a full queue or budget (with the server's retry hint), a deadline, a cancel.
 */
public class LlmaosClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Status.Code code;

    LlmaosClientException(Status.Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    /** The gRPC status code. */
    public Status.Code code() {
        return code;
    }

    /** INVALID_ARGUMENT: the request is wrong; {@link #violations()} names the fields. */
    public static final class InvalidArgument extends LlmaosClientException {
        private static final long serialVersionUID = 1L;
        private final List<String> violations;

        InvalidArgument(String message, List<String> violations, Throwable cause) {
            super(Status.Code.INVALID_ARGUMENT, message, cause);
            this.violations = List.copyOf(violations);
        }

        /** "field: description" for each field the server named. */
        public List<String> violations() {
            return violations;
        }
    }

    /** NOT_FOUND: no such model or version. */
    public static final class NotFound extends LlmaosClientException {
        private static final long serialVersionUID = 1L;

        NotFound(String message, Throwable cause) {
            super(Status.Code.NOT_FOUND, message, cause);
        }
    }

    /** UNAVAILABLE: the server or the model is not ready (or not reachable); worth retrying. */
    public static final class Unavailable extends LlmaosClientException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(Status.Code.UNAVAILABLE, message, cause);
        }
    }

    /** RESOURCE_EXHAUSTED: a queue, quota or budget is full; retry after {@link #retryAfter()}. */
    public static final class ResourceExhausted extends LlmaosClientException {
        private static final long serialVersionUID = 1L;
        private final Duration retryAfter;

        ResourceExhausted(String message, Duration retryAfter, Throwable cause) {
            super(Status.Code.RESOURCE_EXHAUSTED, message, cause);
            this.retryAfter = retryAfter;
        }

        /** The server's hint, or null when it gave none. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** DEADLINE_EXCEEDED: the call's deadline passed. */
    public static final class DeadlineExceeded extends LlmaosClientException {
        private static final long serialVersionUID = 1L;

        DeadlineExceeded(String message, Throwable cause) {
            super(Status.Code.DEADLINE_EXCEEDED, message, cause);
        }
    }

    /** CANCELLED: the call was cancelled. */
    public static final class Cancelled extends LlmaosClientException {
        private static final long serialVersionUID = 1L;

        Cancelled(String message, Throwable cause) {
            super(Status.Code.CANCELLED, message, cause);
        }
    }

    /** The typed exception for a failed call. */
    static LlmaosClientException from(Throwable t) {
        if (t instanceof LlmaosClientException known) {
            return known;
        }
        Status status = Status.fromThrowable(t);
        String message = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        com.google.rpc.Status details = t instanceof StatusRuntimeException sre ? StatusProto.fromThrowable(sre) : null;
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> new InvalidArgument(message, violations(details), t);
            case NOT_FOUND -> new NotFound(message, t);
            case UNAVAILABLE -> new Unavailable(message, t);
            case RESOURCE_EXHAUSTED -> new ResourceExhausted(message, retryAfter(details), t);
            case DEADLINE_EXCEEDED -> new DeadlineExceeded(message, t);
            case CANCELLED -> new Cancelled(message, t);
            default -> new LlmaosClientException(status.getCode(), message, t);
        };
    }

    private static List<String> violations(com.google.rpc.Status details) {
        List<String> out = new ArrayList<>();
        if (details != null) {
            for (com.google.protobuf.Any any : details.getDetailsList()) {
                if (any.is(BadRequest.class)) {
                    try {
                        any.unpack(BadRequest.class)
                                .getFieldViolationsList()
                                .forEach(v -> out.add(v.getField() + ": " + v.getDescription()));
                    } catch (InvalidProtocolBufferException ignored) {
                        // a detail we cannot read is left out
                    }
                }
            }
        }
        return out;
    }

    private static Duration retryAfter(com.google.rpc.Status details) {
        if (details != null) {
            for (com.google.protobuf.Any any : details.getDetailsList()) {
                if (any.is(RetryInfo.class)) {
                    try {
                        com.google.protobuf.Duration d =
                                any.unpack(RetryInfo.class).getRetryDelay();
                        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
                    } catch (InvalidProtocolBufferException ignored) {
                        // no hint then
                    }
                }
            }
        }
        return null;
    }
}
