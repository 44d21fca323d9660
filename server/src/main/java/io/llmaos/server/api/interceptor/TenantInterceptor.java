package io.llmaos.server.api.interceptor;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.request.Names;

/**
 * Reads the tenant a call is accounted to from the {@value #HEADER} header into the call's context
 * (the authenticated identity takes its place once authentication lands). Calls without one belong
 * to {@value #DEFAULT_TENANT}; a malformed name is refused with INVALID_ARGUMENT.
 */
public final class TenantInterceptor implements ServerInterceptor {
    /** The metadata header naming the tenant. */
    public static final String HEADER = "x-llmaos-tenant";
    /** The tenant of calls that name none. */
    public static final String DEFAULT_TENANT = "default";

    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TENANT = Context.keyWithDefault("llmaos-tenant", DEFAULT_TENANT);

    /** The tenant of the call {@code context} belongs to. */
    public static String of(Context context) {
        return TENANT.get(context);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String tenant = headers.get(KEY);
        if (tenant == null) {
            return next.startCall(call, headers);
        }
        if (!Names.isTenant(tenant)) {
            StatusRuntimeException refused =
                    StatusMapper.toStatusException(new InvalidInputException(HEADER, Names.TENANT_RULE));
            call.close(refused.getStatus(), refused.getTrailers() == null ? new Metadata() : refused.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
    }
}
