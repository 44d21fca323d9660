package io.llmaos.server.api.mapping;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where an exception becomes a gRPC status. Server exceptions carry an
 * {@link ErrorCode} that maps to one status code, with {@code google.rpc.ErrorInfo} (domain
 * {@value #DOMAIN}, reason = the code's name), {@code BadRequest} field violations for invalid
 * input and {@code RetryInfo} for exhausted capacity. Messages and lists are bounded ({@link Echo}),
 * so the trailers stay a few KiB whatever the request quoted. Anything unexpected becomes INTERNAL with an
 * incident id that is also logged with the stack trace. The result is never UNKNOWN.
 */
public final class StatusMapper {
    /** The ErrorInfo domain of every error this server returns. */
    public static final String DOMAIN = "llmaos.io";

    private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);

    private StatusMapper() {}

    /** The status (with details in its trailers) that a client should see for {@code thrown}. */
    public static StatusRuntimeException toStatusException(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof LlmaosException e) {
            if (e.code() == ErrorCode.ENGINE_FAILURE || e.code() == ErrorCode.INTERNAL) {
                // every INTERNAL answer names an incident that the log holds with the cause
                String incident = UUID.randomUUID().toString();
                log.warn("{} (incident {}): {}", e.code(), incident, e.getMessage(), e);
                return StatusProto.toStatusRuntimeException(describe(e, " (incident " + incident + ")"));
            }
            return StatusProto.toStatusRuntimeException(describe(e, ""));
        }
        if (t instanceof StatusRuntimeException || t instanceof StatusException) {
            Status status = Status.fromThrowable(t);
            if (status.getCode() == Status.Code.UNKNOWN) {
                return internal(t);
            }
            // a status made by gRPC or a library keeps its code and gains the details every error carries
            return sanitize(status, Status.trailersFromThrowable(t));
        }
        if (t instanceof CancellationException) {
            return toStatusException(new LlmaosException(ErrorCode.CANCELLED, "the request was cancelled"));
        }
        if (t instanceof TimeoutException) {
            return toStatusException(new LlmaosException(ErrorCode.DEADLINE_EXCEEDED, "the request timed out"));
        }
        if (t instanceof RejectedExecutionException) {
            return toStatusException(
                    new LlmaosException(ErrorCode.SERVER_UNAVAILABLE, "the server cannot take more work right now"));
        }
        if (t instanceof OutOfMemoryError) {
            log.error("out of memory while serving a call", t);
            return toStatusException(new CapacityExceededException(
                    "OUT_OF_MEMORY", "the server ran out of memory serving this request", Duration.ofSeconds(1)));
        }
        return internal(t);
    }

    /**
     * The status a call really closes with, whoever made it (our services, gRPC's own health and
     * reflection services, interceptors): UNKNOWN becomes INTERNAL with an incident id, and an error
     * without details gets its ErrorInfo and a message cut to {@link Echo#MESSAGE_BYTES}. Statuses
     * this mapper made pass unchanged, as does OK.
     */
    public static StatusRuntimeException sanitize(Status status, io.grpc.Metadata trailers) {
        if (status.getCode() == Status.Code.UNKNOWN) {
            Throwable cause = status.getCause() != null ? status.getCause() : status.asRuntimeException();
            return internal(cause);
        }
        io.grpc.Metadata.Key<byte[]> details =
                io.grpc.Metadata.Key.of("grpc-status-details-bin", io.grpc.Metadata.BINARY_BYTE_MARSHALLER);
        if (status.isOk() || (trailers != null && trailers.containsKey(details))) {
            return status.asRuntimeException(trailers);
        }
        String description = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        return StatusProto.toStatusRuntimeException(
                com.google.rpc.Status.newBuilder()
                        .setCode(status.getCode().value())
                        .setMessage(Echo.message(description))
                        .addDetails(Any.pack(ErrorInfo.newBuilder()
                                .setDomain(DOMAIN)
                                .setReason(status.getCode().name())
                                .build()))
                        .build(),
                trailers == null ? new io.grpc.Metadata() : trailers);
    }

    /**
     * The HTTP status a gRPC code answers with on the HTTP listener (as Triton's and KServe's REST
     * servers answer): 400 for a bad request, 401/403, 404, 409, 429, 499 for a cancel, 501, 503, 504,
     * 500 for the rest.
     */
    /**
     * The parameter of a failed {@code ModelStreamInfer} response that names its gRPC code (Triton's
     * stream carries only {@code error_message}).
     */
    public static final String STREAM_ERROR_CODE = "error_code";

    /** The parameter of a failed {@code ModelStreamInfer} response with the retry delay asked, in ms. */
    public static final String STREAM_RETRY_AFTER_MS = "retry_after_ms";

    public static int httpStatus(Status.Code code) {
        return switch (code) {
            case OK -> 200;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case CANCELLED -> 499;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }

    /** The retry delay a status's {@code RetryInfo} detail asks for, or null when it has none. */
    public static Duration retryAfter(io.grpc.StatusRuntimeException e) {
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        if (details == null) {
            return null;
        }
        for (Any any : details.getDetailsList()) {
            if (any.is(RetryInfo.class)) {
                try {
                    com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
                    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
                } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The gRPC code an error code maps to. */
    public static Status.Code codeOf(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case MODEL_NOT_READY, SERVER_UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case CAPACITY_EXCEEDED -> Status.Code.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
            case CANCELLED -> Status.Code.CANCELLED;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case UNIMPLEMENTED -> Status.Code.UNIMPLEMENTED;
            case ENGINE_FAILURE, INTERNAL -> Status.Code.INTERNAL;
        };
    }

    private static com.google.rpc.Status describe(LlmaosException e, String suffix) {
        ErrorInfo.Builder info =
                ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(e.code().name());
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(codeOf(e.code()).value())
                .setMessage(Echo.message(e.getMessage()) + suffix);
        if (e instanceof InvalidInputException invalid) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            for (FieldViolation v : invalid.violations()) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(v.field())
                        .setDescription(v.description()));
            }
            if (invalid.omitted() > 0) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField("...")
                        .setDescription("and " + invalid.omitted() + " more violations not listed"));
            }
            status.addDetails(Any.pack(bad.build()));
        }
        if (e instanceof CapacityExceededException capacity) {
            info.putMetadata("limit", capacity.reason());
            Duration d = capacity.retryAfter();
            status.addDetails(Any.pack(RetryInfo.newBuilder()
                    .setRetryDelay(com.google.protobuf.Duration.newBuilder()
                            .setSeconds(d.getSeconds())
                            .setNanos(d.getNano()))
                    .build()));
        }
        status.addDetails(Any.pack(info.build()));
        return status.build();
    }

    private static StatusRuntimeException internal(Throwable t) {
        String incident = UUID.randomUUID().toString();
        log.error("internal error, incident {}", incident, t);
        return StatusProto.toStatusRuntimeException(
                describe(new LlmaosException(ErrorCode.INTERNAL, "internal error (incident " + incident + ")"), ""));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
