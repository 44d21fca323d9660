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
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.security.Identity;
import io.llmaos.server.security.Role;
import io.llmaos.server.security.TokenTable;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Authentication and authorization of every call when auth is on: the bearer token of the
 * {@code authorization} header names an {@link Identity}; no token or an unknown one is refused
 * with UNAUTHENTICATED, a method the identity's roles do not allow ({@link MethodAccess}) with
 * PERMISSION_DENIED. Health probes and reflection stay open. The identity goes into the call's
 * context, where {@link TenantInterceptor} takes the tenant from it. Tokens are never logged.
 */
public final class AuthInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";
    private static final Context.Key<Identity> IDENTITY = Context.key("llmaos-identity");

    private final Supplier<TokenTable> tokens;

    /** @param tokens the table in force (read per call, so a re-read file applies to the next call) */
    public AuthInterceptor(Supplier<TokenTable> tokens) {
        this.tokens = tokens;
    }

    /** The identity of the call {@code context} belongs to; null when auth is off or the method is open. */
    static Identity of(Context context) {
        return IDENTITY.get(context);
    }

    /**
     * The tenants the current call may see statistics of: all of them when authentication is off or
     * the caller is an admin, else its own tenant and those below it. Read on the call's thread.
     */
    public static Predicate<String> visibleTenants() {
        Identity identity = of(Context.current());
        if (identity == null || identity.may(Role.ADMIN)) {
            return tenant -> true;
        }
        return identity::mayActAs;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        var method = call.getMethodDescriptor();
        Role needed = MethodAccess.needed(method.getServiceName(), method.getFullMethodName());
        if (needed == null) {
            return next.startCall(call, headers);
        }
        Optional<Identity> identity =
                bearer(headers.get(AUTHORIZATION)).flatMap(t -> tokens.get().identify(t));
        if (identity.isEmpty()) {
            return refuse(
                    call,
                    new LlmaosException(
                            ErrorCode.UNAUTHENTICATED,
                            "this server needs a valid bearer token (header 'authorization: Bearer TOKEN')"));
        }
        if (!identity.get().may(needed)) {
            return refuse(
                    call,
                    new LlmaosException(
                            ErrorCode.PERMISSION_DENIED,
                            method.getFullMethodName() + " needs the '" + needed.text()
                                    + "' role, which this token lacks"));
        }
        return Contexts.interceptCall(Context.current().withValue(IDENTITY, identity.get()), call, headers, next);
    }

    private static Optional<String> bearer(String header) {
        if (header == null
                || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = header.substring(BEARER.length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, LlmaosException why) {
        StatusRuntimeException refused = StatusMapper.toStatusException(why);
        call.close(refused.getStatus(), refused.getTrailers() == null ? new Metadata() : refused.getTrailers());
        return new ServerCall.Listener<>() {};
    }
}
