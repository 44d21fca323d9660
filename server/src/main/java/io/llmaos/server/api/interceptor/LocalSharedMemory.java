package io.llmaos.server.api.interceptor;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Registering system shared memory is for clients on the server's own host: a region maps an object
 * of this host's /dev/shm, which only a local client can fill or read, and a remote client could
 * otherwise map another program's shared memory. SystemSharedMemoryRegister from any peer other than
 * a loopback address is refused with PERMISSION_DENIED (authentication and roles apply as well).
 */
public final class LocalSharedMemory implements ServerInterceptor {
    static final String METHOD = "inference.GRPCInferenceService/SystemSharedMemoryRegister";

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!METHOD.equals(call.getMethodDescriptor().getFullMethodName())
                || isLoopback(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR))) {
            return next.startCall(call, headers);
        }
        return AuthInterceptor.refuse(
                call,
                new LlmaosException(
                        ErrorCode.PERMISSION_DENIED,
                        "system shared memory is for clients on the server's host: register from a loopback"
                                + " address"));
    }

    static boolean isLoopback(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet
                && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
    }
}
