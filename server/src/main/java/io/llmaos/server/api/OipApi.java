package io.llmaos.server.api;

import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ServerLiveRequest;
import io.llmaos.proto.oip.ServerLiveResponse;
import io.llmaos.proto.oip.ServerMetadataRequest;
import io.llmaos.proto.oip.ServerMetadataResponse;
import io.llmaos.proto.oip.ServerReadyRequest;
import io.llmaos.proto.oip.ServerReadyResponse;
import io.llmaos.server.core.BuildInfo;
import io.llmaos.server.core.ServerStatus;

/**
 * The KServe Open Inference Protocol v2 service. Server liveness, readiness and metadata come from
 * the server's real state; the model RPCs (ModelReady, ModelMetadata, ModelInfer and the repository
 * extension) answer UNIMPLEMENTED until the model layer provides them, and no protocol extension
 * is advertised until one is implemented.
 */
final class OipApi extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private final ServerStatus status;
    private final BuildInfo buildInfo;
    OipApi(ServerStatus status, BuildInfo buildInfo) {
        this.status = status;
        this.buildInfo = buildInfo;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        response.onNext(ServerLiveResponse.newBuilder().setLive(status.phase().isLive()).build());
        response.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        response.onNext(ServerReadyResponse.newBuilder().setReady(status.phase().isReady()).build());
        response.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        response.onNext(ServerMetadataResponse.newBuilder()
                .setName(buildInfo.name())
                .setVersion(buildInfo.version())
                .build());
        response.onCompleted();
    }
}
