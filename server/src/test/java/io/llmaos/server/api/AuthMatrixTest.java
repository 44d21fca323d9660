package io.llmaos.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.TenantStats;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.RawCalls;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import io.llmaos.server.security.TokenTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With --auth-tokens, every RPC of every service against every kind of caller: no token, an
 * unknown one, an {@code infer} token and an {@code admin} token. Health probes and reflection are
 * open; no or unknown token is UNAUTHENTICATED; management needs admin (PERMISSION_DENIED for
 * infer); the tenant is the token's, which a header may narrow but never replace.
 */
class AuthMatrixTest {
    private static final String MLP = "mlp-classifier";
    private static final Set<String> OPEN = Set.of(
            "grpc.health.v1.Health/Check",
            "grpc.health.v1.Health/Watch",
            "grpc.health.v1.Health/List",
            "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            "inference.GRPCInferenceService/ServerLive",
            "inference.GRPCInferenceService/ServerReady");
    private static final Set<String> ADMIN_ONLY = Set.of(
            "llmaos.v1.ModelRepositoryService/LoadModel",
            "llmaos.v1.ModelRepositoryService/UnloadModel",
            "llmaos.v1.SchedulerService/SetPolicy",
            "inference.GRPCInferenceService/RepositoryModelLoad",
            "inference.GRPCInferenceService/RepositoryModelUnload",
            "inference.GRPCInferenceService/SystemSharedMemoryRegister",
            "inference.GRPCInferenceService/SystemSharedMemoryUnregister",
            "inference.GRPCInferenceService/CudaSharedMemoryRegister",
            "inference.GRPCInferenceService/CudaSharedMemoryUnregister",
            "inference.GRPCInferenceService/TraceSetting",
            "inference.GRPCInferenceService/LogSettings");

    @TempDir
    static Path dir;

    private static TestServer server;
    /** The same tokens behind mutual TLS. */
    private static io.llmaos.server.MutualTlsServer mtls;

    private static io.grpc.ManagedChannel mtlsChannel;

    @BeforeAll
    static void start() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(
                tokens,
                "# test tokens\n"
                        + TokenTable.hashOf("infer-token") + " acme infer\n"
                        + TokenTable.hashOf("admin-token") + " ops admin\n");
        server = TestServer.start(TestServer.DEMO_MODELS, MLP, Map.of(Setting.AUTH_TOKENS, tokens.toString()));
        mtls = io.llmaos.server.MutualTlsServer.start(tokens, "");
        mtlsChannel = mtls.channel();
    }

    @AfterAll
    static void stop() throws Exception {
        mtlsChannel.shutdownNow();
        server.close();
        mtls.close();
    }

    private static Channel as(String authorization, String tenant) {
        return as(server.channel(), authorization, tenant);
    }

    private static Channel as(Channel channel, String authorization, String tenant) {
        Metadata headers = new Metadata();
        if (authorization != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        }
        if (tenant != null) {
            headers.put(Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER), tenant);
        }
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"plaintext", "mutual TLS"})
    void everyRpcAgainstEveryCaller(String transport) throws Exception {
        Channel channel = transport.equals("plaintext") ? server.channel() : mtlsChannel;
        Map<String, Channel> callers = Map.of(
                "no token", as(channel, null, null),
                "unknown token", as(channel, "Bearer not-a-token", null),
                "basic auth", as(channel, "Basic aW5mZXItdG9rZW4=", null),
                "infer", as(channel, "Bearer infer-token", null),
                "admin", as(channel, "bearer admin-token", null));
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (MethodDescriptor<?, ?> method : RawCalls.everyMethod()) {
            String name = method.getFullMethodName();
            for (var caller : callers.entrySet()) {
                // an empty message: each method refuses or answers it; streams that stay open run out of time
                Status.Code got = firstAnswer(caller.getValue(), method);
                calls++;
                String expected = expected(name, caller.getKey());
                boolean ok = expected.equals("allowed")
                        ? got != Status.Code.UNAUTHENTICATED
                                && got != Status.Code.PERMISSION_DENIED
                                && got != Status.Code.UNKNOWN
                        : got.name().equals(expected);
                if (!ok) {
                    wrong.add(name + " as " + caller.getKey() + ": " + got + ", expected " + expected);
                }
            }
        }
        assertEquals(List.of(), wrong, "over " + calls + " calls");
        assertTrue(calls >= 5 * 25, "every method of every service was called: " + calls);
    }

    /**
     * How {@code method} answers an empty request: OK as soon as a first message comes back (a watch
     * stream that opened is cancelled then), else the status it closed with.
     */
    private static Status.Code firstAnswer(Channel channel, MethodDescriptor<?, ?> method) throws Exception {
        io.grpc.ClientCall<byte[], byte[]> call = channel.newCall(
                RawCalls.descriptor(method.getFullMethodName(), method.getType()),
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.CompletableFuture<Status.Code> answer = new java.util.concurrent.CompletableFuture<>();
        call.start(
                new io.grpc.ClientCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] message) {
                        answer.complete(Status.Code.OK);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        answer.complete(status.getCode());
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage(new byte[0]);
        call.halfClose();
        try {
            return answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            call.cancel("answered", null);
        }
    }

    private static String expected(String method, String caller) {
        if (OPEN.contains(method)) {
            return "allowed";
        }
        return switch (caller) {
            case "no token", "unknown token", "basic auth" -> "UNAUTHENTICATED";
            case "infer" -> ADMIN_ONLY.contains(method) ? "PERMISSION_DENIED" : "allowed";
            default -> "allowed";
        };
    }

    @Test
    void theTenantIsTheTokensAndAHeaderMayOnlyNarrowIt() {
        var asAcme = InferenceServiceGrpc.newBlockingStub(as("Bearer infer-token", null));
        asAcme.infer(DemoRequests.mlpRequest(MLP));
        InferenceServiceGrpc.newBlockingStub(as("Bearer infer-token", "acme.team-a"))
                .infer(DemoRequests.mlpRequest(MLP));
        StatusRuntimeException spoof = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> InferenceServiceGrpc.newBlockingStub(as("Bearer infer-token", "vip"))
                        .infer(DemoRequests.mlpRequest(MLP)));
        assertEquals(Status.Code.PERMISSION_DENIED, spoof.getStatus().getCode());
        assertTrue(
                spoof.getStatus().getDescription().contains("acme"),
                spoof.getStatus().getDescription());
        StatusRuntimeException other = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> InferenceServiceGrpc.newBlockingStub(as("Bearer infer-token", "default"))
                        .infer(DemoRequests.mlpRequest(MLP)));
        assertEquals(Status.Code.PERMISSION_DENIED, other.getStatus().getCode());

        InferenceServiceGrpc.newBlockingStub(as("Bearer admin-token", null)).infer(DemoRequests.mlpRequest(MLP));

        Set<String> all = tenants("Bearer admin-token");
        assertTrue(all.containsAll(Set.of("acme", "acme.team-a", "ops")), all.toString());
        assertTrue(!all.contains("vip") && !all.contains("default"), all.toString());
        assertEquals(Set.of("acme", "acme.team-a"), tenants("Bearer infer-token"), "a tenant sees its own only");
    }

    private static Set<String> tenants(String authorization) {
        return SchedulerServiceGrpc.newBlockingStub(as(authorization, null))
                .getStats(GetStatsRequest.newBuilder().addModelNames(MLP).build())
                .getModels(0)
                .getTenantsList()
                .stream()
                .map(TenantStats::getTenant)
                .collect(Collectors.toSet());
    }

    @Test
    void refusalsSayWhatIsMissingWithoutTheToken() {
        StatusRuntimeException none = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> InferenceServiceGrpc.newBlockingStub(as("Bearer wrong-secret-value", null))
                        .infer(DemoRequests.mlpRequest(MLP)));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
        assertTrue(
                none.getStatus().getDescription().contains("bearer token"),
                none.getStatus().getDescription());
        assertTrue(!none.getStatus().getDescription().contains("wrong-secret-value"));
        StatusRuntimeException denied = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> ModelRepositoryServiceGrpc.newBlockingStub(as("Bearer infer-token", null))
                        .unloadModel(io.llmaos.proto.v1.UnloadModelRequest.newBuilder()
                                .setName(MLP)
                                .build()));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(
                denied.getStatus().getDescription().contains("'admin' role"),
                denied.getStatus().getDescription());
        assertNotEquals(
                Status.Code.NOT_FOUND,
                denied.getStatus().getCode(),
                "the model stays loaded: the refusal came before the unload");
        InferenceServiceGrpc.newBlockingStub(as("Bearer infer-token", null)).infer(DemoRequests.mlpRequest(MLP));
    }
}
