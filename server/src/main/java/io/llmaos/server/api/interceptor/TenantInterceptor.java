package io.llmaos.server.api.interceptor;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.Names;
import io.llmaos.server.security.Identity;

/**
 * Puts the tenant a call is accounted to into the call's context. With authentication on, it is the
 * tenant of the call's token ({@link AuthInterceptor}); under mutual TLS without tokens, the common
 * name of the client's certificate ({@link ClientCertificates}). The {@value #HEADER} header may then
 * only narrow it to a tenant below it ({@code own.team}), and naming any other is refused with
 * PERMISSION_DENIED. Otherwise the header names the tenant, and calls without one belong to
 * {@value #DEFAULT_TENANT}. A malformed name is refused with INVALID_ARGUMENT.
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
        Identity identity = AuthInterceptor.of(Context.current());
        if (identity == null) {
            identity = ClientCertificates.identity(call.getAttributes());
        }
        if (tenant == null) {
            return identity == null
                    ? next.startCall(call, headers)
                    : Contexts.interceptCall(
                            Context.current().withValue(TENANT, identity.tenant()), call, headers, next);
        }
        if (identity != null && Names.isTenant(tenant) && !identity.mayActAs(tenant)) {
            return AuthInterceptor.refuse(
                    call,
                    new LlmaosException(
                            ErrorCode.PERMISSION_DENIED,
                            "this " + identity.label() + " acts for tenant '" + identity.tenant() + "'; header "
                                    + HEADER
                                    + " may name it or a tenant below it ('" + identity.tenant()
                                    + ".name'), not another"));
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
