package io.llmaos.server.api.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.llmaos.proto.v1.GetPolicyRequest;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.ListModelsRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.UnloadModelRequest;
import io.llmaos.proto.v1.WatchModelsRequest;
import io.llmaos.proto.v1.WatchResourcesRequest;
import io.llmaos.proto.v1.WatchStatsRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web console: its page and modules at {@code /} and {@code /console/*} (from the jar; no CDN),
 * and the JSON it reads, each the llmaos.v1 call of the same meaning as proto JSON: {@code GET
 * /api/models}, {@code POST /api/models/M/load|unload}, {@code GET /api/resources}, {@code GET
 * /api/stats}, {@code GET|PUT /api/models/M/policy}, and the live views as Server-Sent Events fed by
 * the same watch streams as {@code llmaos top}: {@code /api/watch/models|resources|stats}. Management
 * goes through the same interceptors, so it needs the admin role where authentication is on.
 */
final class ConsoleRoutes {
    private static final String ROOT = "/io/llmaos/server/console/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");
    private static final Map<String, String> PAGE_HEADERS = Map.of(
            "Cache-Control", "no-cache",
            "X-Content-Type-Options", "nosniff",
            "Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:");
    private static final Pattern MODEL = Pattern.compile("/api/models/([^/]+)/(load|unload|policy)");
    private static final com.google.protobuf.Duration EVERY_SECOND =
            com.google.protobuf.Duration.newBuilder().setSeconds(1).build();
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    private final GrpcBridge grpc;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    ConsoleRoutes(GrpcBridge grpc) {
        this.grpc = grpc;
    }

    /** Answers {@code x}: false when no route matches its path. */
    boolean handle(HttpExchange x) {
        String path = x.path();
        if (path.equals("/") || path.equals("/console") || path.equals("/console/")) {
            return file(x, "index.html");
        }
        if (path.equals("/favicon.ico")) {
            x.empty(204);
            return true;
        }
        if (path.startsWith("/console/")) {
            return file(x, path.substring("/console/".length()));
        }
        switch (path) {
            case "/api/models" ->
                grpc.unary(
                        ModelRepositoryServiceGrpc.getListModelsMethod(),
                        ListModelsRequest.getDefaultInstance(),
                        x,
                        r -> ok(x, r));
            case "/api/resources" ->
                grpc.unary(
                        ResourceServiceGrpc.getGetResourcesMethod(),
                        GetResourcesRequest.getDefaultInstance(),
                        x,
                        r -> ok(x, r));
            case "/api/stats" ->
                grpc.unary(
                        SchedulerServiceGrpc.getGetStatsMethod(),
                        GetStatsRequest.getDefaultInstance(),
                        x,
                        r -> ok(x, r));
            case "/api/watch/models" ->
                events(x, ModelRepositoryServiceGrpc.getWatchModelsMethod(), WatchModelsRequest.getDefaultInstance());
            case "/api/watch/resources" ->
                events(
                        x,
                        ResourceServiceGrpc.getWatchResourcesMethod(),
                        WatchResourcesRequest.newBuilder()
                                .setInterval(EVERY_SECOND)
                                .build());
            case "/api/watch/stats" ->
                events(
                        x,
                        SchedulerServiceGrpc.getWatchStatsMethod(),
                        WatchStatsRequest.newBuilder().setInterval(EVERY_SECOND).build());
            default -> {
                Matcher m = MODEL.matcher(path);
                if (!m.matches()) {
                    return false;
                }
                model(x, java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), m.group(2));
            }
        }
        return true;
    }

    private void model(HttpExchange x, String name, String action) {
        switch (action) {
            case "load" ->
                grpc.unary(
                        ModelRepositoryServiceGrpc.getLoadModelMethod(),
                        LoadModelRequest.newBuilder().setName(name).build(),
                        x,
                        r -> ok(x, r));
            case "unload" ->
                grpc.unary(
                        ModelRepositoryServiceGrpc.getUnloadModelMethod(),
                        UnloadModelRequest.newBuilder().setName(name).build(),
                        x,
                        r -> ok(x, r));
            default -> {
                if (x.method().equals("PUT") || x.method().equals("POST")) {
                    SchedulingPolicy.Builder p = SchedulingPolicy.newBuilder();
                    try {
                        JsonFormat.parser().merge(new String(x.body(), StandardCharsets.UTF_8), p);
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalArgumentException("the policy is not a SchedulingPolicy in JSON: "
                                + io.llmaos.server.core.error.Echo.message(e.getMessage()));
                    }
                    grpc.unary(
                            SchedulerServiceGrpc.getSetPolicyMethod(),
                            SetPolicyRequest.newBuilder()
                                    .setPolicy(p.setModelName(name))
                                    .build(),
                            x,
                            r -> ok(x, r));
                } else {
                    grpc.unary(
                            SchedulerServiceGrpc.getGetPolicyMethod(),
                            GetPolicyRequest.newBuilder().setModelName(name).build(),
                            x,
                            r -> ok(x, r));
                }
            }
        }
    }

    /**
     * A watch stream as Server-Sent Events, one proto-JSON message per event, until the client goes.
     * The events start at once (a watch may have nothing to say for a while, and the page must know it
     * is connected); a failure is a last event {@code {"error", "status"}} with the HTTP status it means.
     */
    private <Q, R extends MessageOrBuilder> void events(
            HttpExchange x, io.grpc.MethodDescriptor<Q, R> method, Q request) {
        x.startEvents();
        x.comment("watching");
        grpc.stream(method, request, x, r -> x.event(print(r)), failure -> {
            if (failure != null) {
                x.event(Json.write(Json.object()
                        .put("error", String.valueOf(failure.getStatus().getDescription()))
                        .put(
                                "status",
                                io.llmaos.server.api.mapping.StatusMapper.httpStatus(
                                        failure.getStatus().getCode()))));
            }
            x.endEvents();
        });
    }

    private boolean file(HttpExchange x, String name) {
        String type = FILES.get(name);
        if (type == null) {
            return false;
        }
        byte[] bytes = cache.computeIfAbsent(name, n -> {
            try (InputStream in = ConsoleRoutes.class.getResourceAsStream(ROOT + n)) {
                return in == null ? new byte[0] : in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        x.send(200, type, bytes, PAGE_HEADERS);
        return true;
    }

    private static void ok(HttpExchange x, MessageOrBuilder m) {
        x.json(200, print(m));
    }

    private static String print(MessageOrBuilder m) {
        try {
            return JSON.print(m);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a served message always prints", e);
        }
    }
}
