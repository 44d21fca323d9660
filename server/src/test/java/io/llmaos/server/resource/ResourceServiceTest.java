package io.llmaos.server.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.grpc.Context;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.ModelFootprint;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.proto.v1.WatchResourcesRequest;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resource service through the real server: machine, process, models, network, watch. */
class ResourceServiceTest {
    @Test
    void aSnapshotDescribesTheMachineTheModelsAndTheNetwork() throws Exception {
        try (TestServer server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier")) {
            server.inference().infer(DemoRequests.mlpRequest("mlp-classifier"));
            var resources = ResourceServiceGrpc.newBlockingStub(server.channel());
            ResourceSnapshot s = resources.getResources(GetResourcesRequest.getDefaultInstance());
            assertEquals(Runtime.getRuntime().availableProcessors(), s.getCpu().getCores());
            assertTrue(s.getCpu().getProcessLoad() >= 0 && s.getCpu().getProcessLoad() <= 1);
            assertTrue(
                    s.getMemory().getTotalBytes() > s.getMemory().getAvailableBytes(),
                    s.getMemory().toString());
            assertTrue(s.getMemory().getProcessRssBytes() > 0);
            assertTrue(s.getMemory().getJvmHeapUsedBytes() > 0 && s.getMemory().getJvmHeapMaxBytes() > 0);
            assertEquals(
                    new GpuProbe().present() ? s.getGpusCount() : 0,
                    s.getGpusCount(),
                    "a machine without nvidia-smi reports no GPU, and no error");
            assertEquals(TestServer.DEMO_MODELS.toString(), s.getDisk().getPath());
            assertTrue(s.getDisk().getFreeBytes() > 0
                    && s.getDisk().getTotalBytes() >= s.getDisk().getFreeBytes());
            assertTrue(s.getNetwork().getBytesReceived() > 0 && s.getNetwork().getBytesSent() > 0);
            assertTrue(s.getNetwork().getOpenConnections() >= 1);
            assertTrue(s.getNetwork().getOpenCalls() >= 1, "this very call is open");

            ModelFootprint mlp = s.getModelsList().stream()
                    .filter(m -> m.getModelName().equals("mlp-classifier"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(mlp.getInstances() >= 1 && mlp.getThreads() >= mlp.getInstances(), mlp.toString());
            assertEquals(1.0, mlp.getAllocationShare(), 1e-9, "the only model holds every allocated thread");
            assertTrue(mlp.getLastUsed().getSeconds() > 0);
            assertTrue(s.getUtilization() > 0 && s.getUtilization() <= 1);
            assertEquals(0, s.getLoadBalance(), 1e-9, "nothing is in demand between calls");
            assertEquals("model_memory_bytes", s.getBudgets(0).getName());
            assertEquals(0, s.getBudgets(0).getLimit(), "no model memory budget: no limit");
            assertTrue(s.getBudgets(0).getReserved() > 0, "the loaded MLP holds a reservation");
            assertEquals("instances", s.getBudgets(1).getName());
            assertEquals(mlp.getInstances(), s.getBudgets(1).getReserved());
            assertEquals("engine_threads", s.getBudgets(2).getName());
            assertEquals(
                    s.getBudgets(2).getLimit(),
                    s.getBudgets(2).getReserved() + s.getBudgets(2).getFree());
            assertEquals(mlp.getReservedBytes(), s.getBudgets(0).getReserved());

            long before = s.getNetwork().getBytesReceived();
            server.inference().infer(DemoRequests.mlpRequest("mlp-classifier"));
            assertTrue(
                    resources
                                    .getResources(GetResourcesRequest.getDefaultInstance())
                                    .getNetwork()
                                    .getBytesReceived()
                            > before,
                    "bytes in grow with each call");
        }
    }

    @Test
    void watchSendsSnapshotsNoFasterThanTheIntervalAsked() throws Exception {
        try (TestServer server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier")) {
            List<Long> arrivals = new ArrayList<>();
            try (Context.CancellableContext call = Context.current().withCancellation()) {
                Iterator<ResourceSnapshot> it = call.call(() -> ResourceServiceGrpc.newBlockingStub(server.channel())
                        .watchResources(WatchResourcesRequest.newBuilder()
                                .setInterval(Durations.fromMillis(200))
                                .build()));
                for (int i = 0; i < 4 && it.hasNext(); i++) {
                    it.next();
                    arrivals.add(System.nanoTime());
                }
                call.cancel(null);
            }
            assertEquals(4, arrivals.size());
            long span = arrivals.get(3) - arrivals.get(0);
            assertTrue(span >= 3 * 180_000_000L, "three intervals of 200 ms took " + span / 1_000_000 + " ms");
        }
    }

    @Test
    void nvidiaSmiOutputIsParsedAndOddFieldsLeaveTheDeviceOut() {
        List<MachineSample.Gpu> gpus =
                GpuProbe.parse("0, NVIDIA H200, 143771, 1024, 37\n1, NVIDIA H200, [N/A], 0, 0\n");
        assertEquals(1, gpus.size());
        assertEquals(143771L * 1024 * 1024, gpus.get(0).memoryTotal());
        assertEquals(0.37, gpus.get(0).utilization(), 1e-9);
    }
}
