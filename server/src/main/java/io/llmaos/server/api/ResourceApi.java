package io.llmaos.server.api;

import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.proto.v1.WatchResourcesRequest;
import io.llmaos.server.api.interceptor.NetworkMeter;
import io.llmaos.server.api.mapping.ResourceMapping;
import io.llmaos.server.resource.MemoryLedger;
import io.llmaos.server.resource.ResourceMonitor;
import io.llmaos.server.scheduler.Dispatcher;

/**
 * {@code llmaos.v1.ResourceService}: the monitor's latest machine sample with the network counters,
 * each loaded model's footprint and demand, the budgets, U and LB. Watch sends a snapshot at every
 * interval; a watcher not ready to read skips a snapshot rather than queueing it.
 */
final class ResourceApi extends ResourceServiceGrpc.ResourceServiceImplBase {
    private final ResourceMonitor monitor;
    private final Dispatcher scheduler;
    private final NetworkMeter network;
    private final Watches watches;
    private final MemoryLedger ledger;

    ResourceApi(
            ResourceMonitor monitor, Dispatcher scheduler, NetworkMeter network, Watches watches, MemoryLedger ledger) {
        this.ledger = ledger;
        this.monitor = monitor;
        this.scheduler = scheduler;
        this.network = network;
        this.watches = watches;
    }

    @Override
    public void getResources(GetResourcesRequest request, StreamObserver<ResourceSnapshot> response) {
        response.onNext(snapshot());
        response.onCompleted();
    }

    @Override
    public void watchResources(WatchResourcesRequest request, StreamObserver<ResourceSnapshot> responses) {
        watches.every(
                responses, GrpcCalls.duration(request.getInterval(), "interval"), monitor.interval(), this::snapshot);
    }

    ResourceSnapshot snapshot() {
        NetworkMeter.Counts n = network.counts();
        return ResourceMapping.snapshot(
                monitor.latest(),
                new ResourceMapping.Network(n.bytesReceived(), n.bytesSent(), n.openConnections(), n.openCalls()),
                scheduler.usage(),
                scheduler.engineBudget(),
                ledger);
    }
}
