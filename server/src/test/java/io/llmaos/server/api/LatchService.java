package io.llmaos.server.api;

import com.google.protobuf.Empty;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A test fixture served beside the contract: {@code test.Latch/Wait} holds each call until the
 * test opens the latch, so a call is reliably in flight while the server drains;
 * {@code test.Latch/Throw} throws whatever the test supplies, as a buggy service would.
 */
final class LatchService implements BindableService {
    static final MethodDescriptor<Empty, Empty> WAIT = method("Wait");
    static final MethodDescriptor<Empty, Empty> THROW = method("Throw");

    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final Supplier<RuntimeException> failure;

    LatchService(Supplier<RuntimeException> failure) {
        this.failure = failure;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder("test.Latch")
                .addMethod(WAIT, ServerCalls.asyncUnaryCall((request, response) -> {
                    entered.countDown();
                    try {
                        if (release.await(30, TimeUnit.SECONDS)) {
                            response.onNext(Empty.getDefaultInstance());
                            response.onCompleted();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))
                .addMethod(THROW, ServerCalls.asyncUnaryCall((request, response) -> {
                    throw failure.get();
                }))
                .build();
    }

    private static MethodDescriptor<Empty, Empty> method(String name) {
        return MethodDescriptor.<Empty, Empty>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Latch", name))
                .setRequestMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
                .build();
    }
}
