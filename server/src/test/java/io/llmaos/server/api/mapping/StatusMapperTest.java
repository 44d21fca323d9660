package io.llmaos.server.api.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusMapperTest {
    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeHasAMeaningfulStatusAndErrorInfo(ErrorCode code) throws Exception {
        StatusRuntimeException e = StatusMapper.toStatusException(new LlmaosException(code, "what happened"));
        assertNotEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
        assertNotEquals(Status.Code.OK, e.getStatus().getCode());
        if (e.getStatus().getCode() == Status.Code.INTERNAL) {
            // an INTERNAL answer names the incident the log holds
            assertTrue(
                    e.getStatus().getDescription().matches("what happened \\(incident [0-9a-f-]{36}\\)"),
                    e.getStatus().getDescription());
        } else {
            assertEquals("what happened", e.getStatus().getDescription());
        }
        ErrorInfo info = detail(e, ErrorInfo.class);
        assertEquals(StatusMapper.DOMAIN, info.getDomain());
        assertEquals(code.name(), info.getReason());
    }

    @Test
    void theCodesDesignMdNames() {
        assertEquals(Status.Code.INVALID_ARGUMENT, StatusMapper.codeOf(ErrorCode.INVALID_ARGUMENT));
        assertEquals(Status.Code.NOT_FOUND, StatusMapper.codeOf(ErrorCode.NOT_FOUND));
        assertEquals(Status.Code.UNAVAILABLE, StatusMapper.codeOf(ErrorCode.MODEL_NOT_READY));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, StatusMapper.codeOf(ErrorCode.CAPACITY_EXCEEDED));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, StatusMapper.codeOf(ErrorCode.DEADLINE_EXCEEDED));
        assertEquals(Status.Code.CANCELLED, StatusMapper.codeOf(ErrorCode.CANCELLED));
        assertEquals(Status.Code.UNAUTHENTICATED, StatusMapper.codeOf(ErrorCode.UNAUTHENTICATED));
        assertEquals(Status.Code.PERMISSION_DENIED, StatusMapper.codeOf(ErrorCode.PERMISSION_DENIED));
        assertEquals(Status.Code.INTERNAL, StatusMapper.codeOf(ErrorCode.ENGINE_FAILURE));
    }

    @Test
    void invalidInputCarriesFieldViolations() throws Exception {
        StatusRuntimeException e = StatusMapper.toStatusException(new InvalidInputException(List.of(
                new FieldViolation("inputs[0].shape", "expected rank 2, got 3"),
                new FieldViolation("inputs[1].name", "unknown input 'y'"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        BadRequest bad = detail(e, BadRequest.class);
        assertEquals(2, bad.getFieldViolationsCount());
        assertEquals("inputs[0].shape", bad.getFieldViolations(0).getField());
        assertEquals("unknown input 'y'", bad.getFieldViolations(1).getDescription());
        assertTrue(e.getStatus().getDescription().contains("expected rank 2, got 3"));
    }

    @Test
    void capacityExceededCarriesARetryHint() throws Exception {
        StatusRuntimeException e = StatusMapper.toStatusException(
                new CapacityExceededException("QUEUE_FULL", "queue of level 1 is full (64)", Duration.ofMillis(1500)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        RetryInfo retry = detail(e, RetryInfo.class);
        assertEquals(1, retry.getRetryDelay().getSeconds());
        assertEquals(500_000_000, retry.getRetryDelay().getNanos());
        assertEquals("QUEUE_FULL", detail(e, ErrorInfo.class).getMetadataOrThrow("limit"));
    }

    @Test
    void unexpectedExceptionsBecomeInternalWithoutLeakingTheirMessage() {
        StatusRuntimeException e = StatusMapper.toStatusException(new NullPointerException("secret detail"));
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("internal error (incident "));
        assertTrue(!e.getStatus().getDescription().contains("secret"));
    }

    @Test
    void unknownStatusesAreNeverPassedOn() {
        assertEquals(
                Status.Code.INTERNAL,
                StatusMapper.toStatusException(
                                Status.UNKNOWN.withDescription("x").asRuntimeException())
                        .getStatus()
                        .getCode());
        assertEquals(
                Status.Code.INTERNAL,
                StatusMapper.sanitize(Status.UNKNOWN, new io.grpc.Metadata())
                        .getStatus()
                        .getCode());
        assertEquals(
                Status.Code.ABORTED,
                StatusMapper.sanitize(Status.ABORTED, new io.grpc.Metadata())
                        .getStatus()
                        .getCode());
    }

    @Test
    void wrappedAndJdkExceptionsMapByMeaning() {
        assertEquals(
                Status.Code.NOT_FOUND,
                StatusMapper.toStatusException(new CompletionException(LlmaosException.notFound("no model 'x'")))
                        .getStatus()
                        .getCode());
        assertEquals(
                Status.Code.CANCELLED,
                StatusMapper.toStatusException(new CancellationException())
                        .getStatus()
                        .getCode());
        assertEquals(
                Status.Code.DEADLINE_EXCEEDED,
                StatusMapper.toStatusException(new TimeoutException())
                        .getStatus()
                        .getCode());
    }

    private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type)
            throws Exception {
        for (Any any : StatusProto.fromThrowable(e).getDetailsList()) {
            if (any.is(type)) {
                return any.unpack(type);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + e.getStatus());
    }
}
