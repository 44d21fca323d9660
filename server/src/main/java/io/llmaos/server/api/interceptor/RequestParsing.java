package io.llmaos.server.api.interceptor;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses request messages where a failure can be answered. gRPC parses a request before any
 * interceptor sees it, and a message that does not parse (random bytes, a truncated varint,
 * invalid UTF-8 in a string field) closes the call with UNKNOWN "Application error processing RPC".
 * {@link #wrap} rebinds a service so the transport hands over the raw bytes and the parse happens
 * here, with the service's own marshaller: a message that does not parse ends the call with
 * INVALID_ARGUMENT (BadRequest and ErrorInfo details), the service never sees it, and the service
 * is told the call was cancelled (a stream then stops answering the requests it already took).
 */
public final class RequestParsing {
    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    private RequestParsing() {}

    /** {@code service} with every method parsing its requests as described above; the schema is kept for reflection. */
    public static ServerServiceDefinition wrap(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor =
                ServiceDescriptor.newBuilder(original.getName()).setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> wrapped = wrap(method);
            methods.add(wrapped);
            descriptor.addMethod(wrapped.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(b::addMethod);
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<InputStream, R> wrap(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> typed = method.getMethodDescriptor();
        MethodDescriptor<InputStream, R> raw =
                typed.toBuilder(RAW, typed.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        return ServerMethodDefinition.create(raw, (call, headers) -> listen(typed, handler, call, headers));
    }

    private static <Q, R> ServerCall.Listener<InputStream> listen(
            MethodDescriptor<Q, R> typed,
            ServerCallHandler<Q, R> handler,
            ServerCall<InputStream, R> call,
            Metadata headers) {
        ServerCall.Listener<Q> delegate = handler.startCall(new TypedCall<>(call, typed), headers);
        return new ServerCall.Listener<>() {
            private boolean failed;

            @Override
            public void onMessage(InputStream message) {
                if (failed) {
                    return;
                }
                Q request;
                try {
                    request = typed.parseRequest(message);
                } catch (RuntimeException e) {
                    failed = true;
                    StatusRuntimeException status =
                            StatusMapper.toStatusException(new InvalidInputException(List.of(new FieldViolation(
                                    "(request)", "is not a valid " + messageName(typed) + ": " + reason(e)))));
                    call.close(
                            status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
                    // the service hears of it as a cancel: a stream stops answering requests already taken
                    delegate.onCancel();
                    return;
                }
                delegate.onMessage(request);
            }

            @Override
            public void onHalfClose() {
                if (!failed) {
                    delegate.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                if (!failed) {
                    delegate.onReady();
                }
            }

            @Override
            public void onCancel() {
                if (!failed) {
                    delegate.onCancel();
                }
            }

            @Override
            public void onComplete() {
                if (!failed) {
                    delegate.onComplete();
                }
            }
        };
    }

    private static String messageName(MethodDescriptor<?, ?> method) {
        Object marshaller = method.getRequestMarshaller();
        if (marshaller instanceof MethodDescriptor.ReflectableMarshaller<?> reflectable) {
            return reflectable.getMessageClass().getSimpleName();
        }
        return "request message";
    }

    /** Why the parse failed, in protobuf's own fixed words (they never quote the input). */
    private static String reason(RuntimeException e) {
        Throwable cause = e instanceof StatusRuntimeException && e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            message = Status.fromThrowable(e).getDescription();
        }
        return message == null ? "it does not parse" : message;
    }

    /** The call as the service sees it: typed requests, the service's own method descriptor. */
    private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<InputStream, R> raw;
        private final MethodDescriptor<Q, R> method;

        TypedCall(ServerCall<InputStream, R> raw, MethodDescriptor<Q, R> method) {
            this.raw = raw;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            raw.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            raw.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            raw.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            raw.close(status, trailers);
        }

        @Override
        public boolean isReady() {
            return raw.isReady();
        }

        @Override
        public boolean isCancelled() {
            return raw.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            raw.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            raw.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            raw.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return raw.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return raw.getAttributes();
        }

        @Override
        public String getAuthority() {
            return raw.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
