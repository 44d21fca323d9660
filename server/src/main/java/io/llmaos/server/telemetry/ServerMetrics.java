package io.llmaos.server.telemetry;

import io.llmaos.server.resource.MachineSample;
import io.llmaos.server.resource.ResourceMonitor;
import io.llmaos.server.scheduler.CopyStatistics;
import io.llmaos.server.scheduler.Dispatcher;
import io.llmaos.server.scheduler.ExecutionStats;
import io.llmaos.server.scheduler.ModelUsage;
import io.llmaos.server.scheduler.SchedulerReport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.List;

/**
 * The server's metrics, observed when a reader collects them (a Prometheus scrape): the scheduler's
 * counters by model, version, priority level and tenant; rejections by reason; queue depth, requests
 * in flight and instance pools; Triton's cumulative request, queue and compute times; model memory;
 * and the resource monitor's sample. Nothing is recorded on the request path: every value is read
 * from counters the server keeps anyway, once per collection.
 */
public final class ServerMetrics implements AutoCloseable {
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("model");
    static final AttributeKey<String> VERSION = AttributeKey.stringKey("version");
    static final AttributeKey<String> PRIORITY = AttributeKey.stringKey("priority");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> PHASE = AttributeKey.stringKey("phase");
    static final AttributeKey<String> BATCH_SIZE = AttributeKey.stringKey("batch_size");
    static final AttributeKey<String> GPU = AttributeKey.stringKey("gpu");

    private final Dispatcher scheduler;
    private final ResourceMonitor resources;
    private final BatchCallback schedulerCallback;
    private final BatchCallback resourceCallback;

    private final ObservableLongMeasurement requests;
    private final ObservableLongMeasurement tenantRequests;
    private final ObservableLongMeasurement rejections;
    private final ObservableLongMeasurement queueDepth;
    private final ObservableLongMeasurement inFlight;
    private final ObservableLongMeasurement instances;
    private final ObservableLongMeasurement busyInstances;
    private final ObservableLongMeasurement batches;
    private final ObservableLongMeasurement inferences;
    private final ObservableLongMeasurement executions;
    private final ObservableLongMeasurement outcomes;
    private final ObservableDoubleMeasurement requestTime;
    private final ObservableDoubleMeasurement queueTime;
    private final ObservableDoubleMeasurement computeTime;
    private final ObservableLongMeasurement clamped;
    private final ObservableLongMeasurement modelMemory;
    private final ObservableLongMeasurement cachedTokens;
    private final ObservableLongMeasurement preemptions;

    private final ObservableDoubleMeasurement processCpu;
    private final ObservableDoubleMeasurement systemCpu;
    private final ObservableLongMeasurement memoryTotal;
    private final ObservableLongMeasurement memoryAvailable;
    private final ObservableLongMeasurement rss;
    private final ObservableLongMeasurement heapUsed;
    private final ObservableLongMeasurement heapMax;
    private final ObservableLongMeasurement gpuMemoryUsed;
    private final ObservableLongMeasurement gpuMemoryTotal;
    private final ObservableDoubleMeasurement gpuUtilization;
    private final ObservableLongMeasurement diskTotal;
    private final ObservableLongMeasurement diskFree;
    private final java.util.function.Supplier<io.llmaos.proto.v1.ResourceSnapshot> snapshots;
    private final ObservableDoubleMeasurement utilization;
    private final ObservableDoubleMeasurement loadBalance;
    private final ObservableLongMeasurement received;
    private final ObservableLongMeasurement sent;
    private final ObservableLongMeasurement connections;
    private final ObservableLongMeasurement calls;

    public ServerMetrics(
            Meter meter,
            Dispatcher scheduler,
            ResourceMonitor resources,
            java.util.function.Supplier<io.llmaos.proto.v1.ResourceSnapshot> snapshots) {
        this.scheduler = scheduler;
        this.resources = resources;
        this.snapshots = snapshots;
        requests = counter(meter, "llmaos.requests", "{request}", "Requests served to their end, by priority level");
        tenantRequests =
                counter(meter, "llmaos.tenant.requests", "{request}", "Requests served to their end, by tenant");
        rejections = counter(
                meter,
                "llmaos.request.rejections",
                "{request}",
                "Requests turned away, by reason (queue_full, quota, timed_out, cancelled, not_ready, invalid)");
        queueDepth = gauge(meter, "llmaos.queue.depth", "{request}", "Requests waiting, by priority level");
        inFlight = gauge(meter, "llmaos.requests.in_flight", "{request}", "Requests admitted and not yet answered");
        instances = gauge(meter, "llmaos.instances", "{instance}", "Instances in a model version's pool");
        busyInstances = gauge(meter, "llmaos.instances.busy", "{instance}", "Instances running a batch now");
        batches = counter(meter, "llmaos.batch.executions", "{execution}", "Engine executions, by batch size (rows)");
        inferences = counter(
                meter, "llmaos.inference.count", "{inference}", "Inferences answered (rows of batched requests)");
        executions = counter(meter, "llmaos.inference.executions", "{execution}", "Engine executions");
        outcomes = counter(
                meter, "llmaos.inference.requests", "{request}", "Requests answered, by outcome (success, failure)");
        requestTime = seconds(meter, "llmaos.inference.request.time", "Cumulative time of requests in the server");
        queueTime = seconds(meter, "llmaos.inference.queue.time", "Cumulative time requests waited in queues");
        computeTime = seconds(
                meter,
                "llmaos.inference.compute.time",
                "Cumulative execution time, by phase (input: joining, infer: the engine, output: splitting)");
        clamped = counter(
                meter,
                "llmaos.priority.clamped",
                "{request}",
                "Requests whose priority was beyond the model's levels and ran at its default level");
        modelMemory = meter.gaugeBuilder("llmaos.model.memory")
                .ofLongs()
                .setUnit("By")
                .setDescription("Memory a loaded model version holds, as the memory ledger counts it")
                .buildObserver();
        cachedTokens = gauge(
                meter,
                "llmaos.generation.cached_tokens",
                "{token}",
                "Cache tokens the active sequences of a generative model hold");
        preemptions = counter(
                meter,
                "llmaos.generation.preemptions",
                "{sequence}",
                "Sequences preempted to make room for one of higher priority");
        schedulerCallback = meter.batchCallback(
                this::observeScheduler,
                requests,
                tenantRequests,
                rejections,
                queueDepth,
                inFlight,
                instances,
                busyInstances,
                batches,
                inferences,
                executions,
                outcomes,
                requestTime,
                queueTime,
                computeTime,
                clamped,
                modelMemory,
                cachedTokens,
                preemptions);

        processCpu =
                ratio(meter, "llmaos.process.cpu.utilization", "The server process's CPU use, 0 to 1 of all cores");
        systemCpu = ratio(meter, "llmaos.system.cpu.utilization", "The machine's CPU use, 0 to 1");
        memoryTotal = bytes(meter, "llmaos.system.memory.size", "The machine's memory");
        memoryAvailable = bytes(meter, "llmaos.system.memory.available", "The machine's available memory");
        rss = bytes(meter, "llmaos.process.memory.rss", "The server process's resident memory");
        heapUsed = bytes(meter, "llmaos.jvm.heap.used", "Java heap in use");
        heapMax = bytes(meter, "llmaos.jvm.heap.limit", "The Java heap's limit");
        gpuMemoryUsed = bytes(meter, "llmaos.gpu.memory.used", "GPU memory in use, by GPU");
        gpuMemoryTotal = bytes(meter, "llmaos.gpu.memory.size", "GPU memory, by GPU");
        gpuUtilization = ratio(meter, "llmaos.gpu.utilization", "GPU use, 0 to 1, by GPU");
        diskTotal = bytes(meter, "llmaos.disk.size", "The model repository's file system size");
        diskFree = bytes(meter, "llmaos.disk.free", "The model repository's file system free space");
        utilization = ratio(
                meter,
                "llmaos.utilization",
                "U: the mean of CPU, memory, engine-thread (and GPU) use, 0 to 1, as ResourceService reports it");
        loadBalance =
                ratio(meter, "llmaos.load_balance", "LB: how demand matches the engine threads models hold, 0 to 1");
        received = counter(meter, "llmaos.network.received", "By", "Bytes received on gRPC connections");
        sent = counter(meter, "llmaos.network.sent", "By", "Bytes sent on gRPC connections");
        connections = gauge(meter, "llmaos.connections", "{connection}", "Client connections open");
        calls = gauge(meter, "llmaos.calls", "{call}", "Calls open");
        resourceCallback = meter.batchCallback(
                this::observeResources,
                utilization,
                loadBalance,
                received,
                sent,
                connections,
                calls,
                processCpu,
                systemCpu,
                memoryTotal,
                memoryAvailable,
                rss,
                heapUsed,
                heapMax,
                gpuMemoryUsed,
                gpuMemoryTotal,
                gpuUtilization,
                diskTotal,
                diskFree);
    }

    private static ObservableLongMeasurement counter(Meter meter, String name, String unit, String description) {
        return meter.counterBuilder(name)
                .setUnit(unit)
                .setDescription(description)
                .buildObserver();
    }

    private static ObservableLongMeasurement gauge(Meter meter, String name, String unit, String description) {
        return meter.gaugeBuilder(name)
                .ofLongs()
                .setUnit(unit)
                .setDescription(description)
                .buildObserver();
    }

    private static ObservableDoubleMeasurement seconds(Meter meter, String name, String description) {
        return meter.counterBuilder(name)
                .ofDoubles()
                .setUnit("s")
                .setDescription(description)
                .buildObserver();
    }

    private static ObservableDoubleMeasurement ratio(Meter meter, String name, String description) {
        return meter.gaugeBuilder(name).setUnit("1").setDescription(description).buildObserver();
    }

    private static ObservableLongMeasurement bytes(Meter meter, String name, String description) {
        return meter.gaugeBuilder(name)
                .ofLongs()
                .setUnit("By")
                .setDescription(description)
                .buildObserver();
    }

    private void observeScheduler() {
        for (SchedulerReport.ModelReport m : scheduler.stats(List.of()).models()) {
            Attributes copy = copy(m.ref().name(), m.ref().version());
            for (SchedulerReport.LevelReport l : m.levels()) {
                Attributes level = copy.toBuilder()
                        .put(PRIORITY, String.valueOf(l.level()))
                        .build();
                requests.record(l.completed(), level);
                queueDepth.record(l.queueDepth(), level);
                inFlight.record(l.inFlight(), level);
            }
            for (SchedulerReport.TenantReport t : m.tenants()) {
                tenantRequests.record(
                        t.completed(), copy.toBuilder().put(TENANT, t.tenant()).build());
            }
            SchedulerReport.Rejections r = m.rejections();
            reject(copy, "queue_full", r.queueFull());
            reject(copy, "quota", r.quota());
            reject(copy, "timed_out", r.timedOut());
            reject(copy, "cancelled", r.cancelled());
            reject(copy, "not_ready", r.notReady());
            reject(copy, "invalid", r.invalid());
            instances.record(m.instances().current(), copy);
            busyInstances.record(m.instances().busy(), copy);
            for (SchedulerReport.BatchCount b : m.batchSizes()) {
                batches.record(
                        b.count(),
                        copy.toBuilder()
                                .put(BATCH_SIZE, String.valueOf(b.batchSize()))
                                .build());
            }
        }
        for (CopyStatistics c : scheduler.executionStats("", 0)) {
            Attributes copy = copy(c.ref().name(), c.ref().version());
            ExecutionStats e = c.execution();
            inferences.record(e.inferenceCount(), copy);
            executions.record(e.executionCount(), copy);
            Attributes success = copy.toBuilder().put(OUTCOME, "success").build();
            Attributes failure = copy.toBuilder().put(OUTCOME, "failure").build();
            outcomes.record(e.success().count(), success);
            outcomes.record(e.fail().count(), failure);
            requestTime.record(e.success().nanos() / 1e9, success);
            requestTime.record(e.fail().nanos() / 1e9, failure);
            queueTime.record(e.queue().nanos() / 1e9, copy);
            computeTime.record(
                    e.computeInput().nanos() / 1e9,
                    copy.toBuilder().put(PHASE, "input").build());
            computeTime.record(
                    e.computeInfer().nanos() / 1e9,
                    copy.toBuilder().put(PHASE, "infer").build());
            computeTime.record(
                    e.computeOutput().nanos() / 1e9,
                    copy.toBuilder().put(PHASE, "output").build());
            clamped.record(c.clampedPriorities(), copy);
            cachedTokens.record(c.cachedTokens(), copy);
            preemptions.record(c.preemptions(), copy);
        }
        for (ModelUsage u : scheduler.usage()) {
            modelMemory.record(u.reservedBytes(), copy(u.name(), u.version()));
        }
    }

    private void reject(Attributes copy, String reason, long count) {
        rejections.record(count, copy.toBuilder().put(REASON, reason).build());
    }

    private static Attributes copy(String model, long version) {
        return Attributes.of(MODEL, model, VERSION, String.valueOf(version));
    }

    private void observeResources() {
        io.llmaos.proto.v1.ResourceSnapshot snapshot = snapshots.get();
        utilization.record(snapshot.getUtilization());
        loadBalance.record(snapshot.getLoadBalance());
        received.record(snapshot.getNetwork().getBytesReceived());
        sent.record(snapshot.getNetwork().getBytesSent());
        connections.record(snapshot.getNetwork().getOpenConnections());
        calls.record(snapshot.getNetwork().getOpenCalls());
        MachineSample s = resources.latest();
        processCpu.record(Math.max(0, s.processLoad()));
        systemCpu.record(Math.max(0, s.systemLoad()));
        memoryTotal.record(s.memoryTotal());
        memoryAvailable.record(s.memoryAvailable());
        rss.record(s.processRss());
        heapUsed.record(s.heapUsed());
        heapMax.record(s.heapMax());
        for (MachineSample.Gpu g : s.gpus()) {
            Attributes gpu = Attributes.of(GPU, String.valueOf(g.index()));
            gpuMemoryUsed.record(g.memoryUsed(), gpu);
            gpuMemoryTotal.record(g.memoryTotal(), gpu);
            gpuUtilization.record(Math.max(0, g.utilization()), gpu);
        }
        if (s.disk() != null) {
            diskTotal.record(s.disk().total());
            diskFree.record(s.disk().free());
        }
    }

    @Override
    public void close() {
        schedulerCallback.close();
        resourceCallback.close();
    }
}
