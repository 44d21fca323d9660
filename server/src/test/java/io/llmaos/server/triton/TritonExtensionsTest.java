package io.llmaos.server.triton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import io.llmaos.tritonwire.CudaSharedMemoryStatusRequest;
import io.llmaos.tritonwire.GRPCInferenceServiceGrpc;
import io.llmaos.tritonwire.InferParameter;
import io.llmaos.tritonwire.LogSettingsRequest;
import io.llmaos.tritonwire.LogSettingsResponse;
import io.llmaos.tritonwire.ModelConfigRequest;
import io.llmaos.tritonwire.ModelInferRequest;
import io.llmaos.tritonwire.ModelInferResponse;
import io.llmaos.tritonwire.ModelRepositoryParameter;
import io.llmaos.tritonwire.RepositoryModelLoadRequest;
import io.llmaos.tritonwire.SystemSharedMemoryRegisterRequest;
import io.llmaos.tritonwire.SystemSharedMemoryStatusRequest;
import io.llmaos.tritonwire.SystemSharedMemoryUnregisterRequest;
import io.llmaos.tritonwire.TraceSettingRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Triton's shared-memory, trace, log and repository extensions and deflate, through the client written
 * from Triton's protos, on a real server with tf-dense (x FP32[4] -> y FP32[3]).
 */
class TritonExtensionsTest {
    private static Path repo;
    private static TestServer server;
    private static TritonClient triton;
    private static final Path SHM = Path.of("/dev/shm");
    private static Path object;

    @BeforeAll
    static void start() throws Exception {
        repo = Files.createTempDirectory("llmaos-triton-");
        new TempRepository(repo).copyDemo("tf-dense", "dense");
        new TempRepository(repo).copyDemo("tf-dense", "dense-triton");
        server = TestServer.start(repo, "dense");
        triton = new TritonClient(server.channel());
        object = SHM.resolve("llmaos-test-" + ProcessHandle.current().pid());
        Files.write(object, new byte[4096]);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        Files.deleteIfExists(object);
        TempRepository.deleteTree(repo);
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub as(String tenant) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER), tenant);
        Channel c = ClientInterceptors.intercept(server.channel(), MetadataUtils.newAttachHeadersInterceptor(h));
        return GRPCInferenceServiceGrpc.newBlockingStub(c).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    private static SystemSharedMemoryRegisterRequest region(String name, String key, long offset, long size) {
        return SystemSharedMemoryRegisterRequest.newBuilder()
                .setName(name)
                .setKey(key)
                .setOffset(offset)
                .setByteSize(size)
                .build();
    }

    private static ModelInferRequest.Builder denseFromShm(String region, long offset) {
        return ModelInferRequest.newBuilder()
                .setModelName("dense")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(2)
                        .addShape(4)
                        .putParameters("shared_memory_region", string(region))
                        .putParameters("shared_memory_offset", integer(offset))
                        .putParameters("shared_memory_byte_size", integer(32)));
    }

    private static InferParameter string(String s) {
        return InferParameter.newBuilder().setStringParam(s).build();
    }

    private static InferParameter integer(long v) {
        return InferParameter.newBuilder().setInt64Param(v).build();
    }

    @Test
    void inputsAndOutputsTravelThroughSharedMemoryOfTheirTenant() throws Exception {
        var a = as("shm-a");
        a.systemSharedMemoryRegister(region("in", "/" + object.getFileName(), 0, 1024));
        a.systemSharedMemoryRegister(region("out", object.getFileName().toString(), 1024, 1024));
        float[] x = {1, -2, 3, 0.5f, -1, 2, 0, 4};
        try (var ch = java.nio.channels.FileChannel.open(object, java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : x) {
                b.putFloat(v);
            }
            ch.write(b.flip(), 64);
        }
        ModelInferResponse overWire = a.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("dense")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(2)
                        .addShape(4))
                .addRawInputContents(TritonClient.raw(x))
                .build());
        ModelInferResponse viaShm = a.modelInfer(denseFromShm("in", 64)
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("y")
                        .putParameters("shared_memory_region", string("out"))
                        .putParameters("shared_memory_byte_size", integer(24)))
                .build());
        assertEquals(List.of(2L, 3L), viaShm.getOutputs(0).getShapeList());
        assertEquals(
                24,
                viaShm.getOutputs(0)
                        .getParametersMap()
                        .get("shared_memory_byte_size")
                        .getInt64Param());
        assertTrue(viaShm.getRawOutputContents(0).isEmpty(), "the output is in shared memory");
        byte[] written = new byte[24];
        ByteBuffer.wrap(Files.readAllBytes(object), 1024, 24).get(written);
        assertArrayEquals(overWire.getRawOutputContents(0).toByteArray(), written);

        var status = a.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.getDefaultInstance());
        assertEquals(1024, status.getRegionsMap().get("out").getOffset());
        assertEquals(
                Status.Code.ALREADY_EXISTS,
                code(() -> a.systemSharedMemoryRegister(
                        region("in", object.getFileName().toString(), 0, 8))));

        // another tenant neither sees nor uses them
        var b = as("shm-b");
        assertTrue(b.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.getDefaultInstance())
                .getRegionsMap()
                .isEmpty());
        assertEquals(
                Status.Code.NOT_FOUND,
                code(() -> b.modelInfer(denseFromShm("in", 64).build())));

        // ranges beyond the region, and unregistering
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> a.modelInfer(denseFromShm("in", 1000).build())));
        a.systemSharedMemoryUnregister(
                SystemSharedMemoryUnregisterRequest.newBuilder().setName("in").build());
        assertEquals(
                Status.Code.NOT_FOUND,
                code(() -> a.modelInfer(denseFromShm("in", 64).build())));
        a.systemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest.getDefaultInstance());
        assertTrue(a.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.getDefaultInstance())
                .getRegionsMap()
                .isEmpty());
    }

    @Test
    void keysThatEscapeDevShmOrRangesBeyondTheObjectAreRefused() throws Exception {
        var a = as("shm-c");
        String name = object.getFileName().toString();
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> a.systemSharedMemoryRegister(region("r", "../etc/passwd", 0, 8))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> a.systemSharedMemoryRegister(region("r", "/..", 0, 8))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> a.systemSharedMemoryRegister(region("r", "a/b", 0, 8))));
        assertEquals(
                Status.Code.NOT_FOUND, code(() -> a.systemSharedMemoryRegister(region("r", "no-such-object", 0, 8))));
        assertEquals(
                Status.Code.INVALID_ARGUMENT, code(() -> a.systemSharedMemoryRegister(region("r", name, 4000, 200))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> a.systemSharedMemoryRegister(region("r", name, 0, 0))));
        Path link = SHM.resolve(name + "-link");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("/etc/hostname"));
        try {
            assertEquals(
                    Status.Code.NOT_FOUND,
                    code(() -> a.systemSharedMemoryRegister(
                            region("r", link.getFileName().toString(), 0, 4))),
                    "a symbolic link is not followed");
        } finally {
            Files.deleteIfExists(link);
        }
        var cuda = assertThrows(
                StatusRuntimeException.class,
                () -> a.cudaSharedMemoryStatus(CudaSharedMemoryStatusRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, cuda.getStatus().getCode());
        assertTrue(cuda.getStatus().getDescription().contains("no CUDA"));
    }

    @Test
    void traceAndLogSettingsAreReadValidatedAndChanged() {
        var t = triton.blocking();
        var now = t.traceSetting(TraceSettingRequest.getDefaultInstance());
        assertEquals(List.of("OFF"), now.getSettingsMap().get("trace_level").getValueList());
        var set = t.traceSetting(TraceSettingRequest.newBuilder()
                .putSettings(
                        "trace_rate",
                        TraceSettingRequest.SettingValue.newBuilder()
                                .addValue("50")
                                .build())
                .build());
        assertEquals(List.of("50"), set.getSettingsMap().get("trace_rate").getValueList());
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> t.traceSetting(TraceSettingRequest.newBuilder()
                        .putSettings(
                                "trace_rate",
                                TraceSettingRequest.SettingValue.newBuilder()
                                        .addValue("-4")
                                        .build())
                        .build())));
        assertEquals(
                Status.Code.FAILED_PRECONDITION,
                code(() -> t.traceSetting(TraceSettingRequest.newBuilder()
                        .putSettings(
                                "trace_level",
                                TraceSettingRequest.SettingValue.newBuilder()
                                        .addValue("TIMESTAMPS")
                                        .build())
                        .build())),
                "no collector to send traces to");
        assertEquals(
                List.of("OFF"),
                t.traceSetting(TraceSettingRequest.getDefaultInstance())
                        .getSettingsMap()
                        .get("trace_level")
                        .getValueList(),
                "a refused change changes nothing");
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> t.traceSetting(TraceSettingRequest.newBuilder()
                        .putSettings(
                                "trace_file",
                                TraceSettingRequest.SettingValue.newBuilder()
                                        .addValue("/tmp/x")
                                        .build())
                        .build())));

        LogSettingsResponse logs = t.logSettings(LogSettingsRequest.getDefaultInstance());
        assertTrue(logs.getSettingsMap().get("log_info").getBoolParam());
        LogSettingsResponse verbose = t.logSettings(LogSettingsRequest.newBuilder()
                .putSettings(
                        "log_verbose_level",
                        LogSettingsRequest.SettingValue.newBuilder()
                                .setUint32Param(1)
                                .build())
                .putSettings(
                        "log_format",
                        LogSettingsRequest.SettingValue.newBuilder()
                                .setStringParam("default")
                                .build())
                .build());
        assertEquals(1, verbose.getSettingsMap().get("log_verbose_level").getUint32Param());
        assertEquals("default", verbose.getSettingsMap().get("log_format").getStringParam());
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> t.logSettings(LogSettingsRequest.newBuilder()
                        .putSettings(
                                "log_info",
                                LogSettingsRequest.SettingValue.newBuilder()
                                        .setStringParam("yes")
                                        .build())
                        .build())));
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> t.logSettings(LogSettingsRequest.newBuilder()
                        .putSettings(
                                "log_file",
                                LogSettingsRequest.SettingValue.newBuilder()
                                        .setStringParam("/tmp/log")
                                        .build())
                        .build())));
        t.logSettings(LogSettingsRequest.newBuilder()
                .putSettings(
                        "log_verbose_level",
                        LogSettingsRequest.SettingValue.newBuilder()
                                .setUint32Param(0)
                                .build())
                .build());
    }

    @Test
    void aTritonConfigurationIsTranslatedAndUnsupportedFieldsAreRefusedByName() {
        String config = "{\"backend\": \"tensorflow\", \"max_batch_size\": 8,"
                + " \"input\": [{\"name\": \"x\", \"data_type\": \"TYPE_FP32\", \"dims\": [4]}],"
                + " \"output\": [{\"name\": \"y\", \"data_type\": \"TYPE_FP32\", \"dims\": [3]}],"
                + " \"dynamic_batching\": {\"max_queue_delay_microseconds\": 100, \"priority_levels\": 3,"
                + " \"default_priority_level\": 2},"
                + " \"instance_group\": [{\"kind\": \"KIND_CPU\", \"count\": 2}]}";
        triton.blocking().repositoryModelLoad(load("dense-triton", config));
        var c = triton.blocking()
                .modelConfig(
                        ModelConfigRequest.newBuilder().setName("dense-triton").build())
                .getConfig();
        assertEquals(8, c.getMaxBatchSize());
        assertEquals(3, c.getDynamicBatching().getPriorityLevels());
        assertEquals(2, c.getDynamicBatching().getDefaultPriorityLevel());
        assertEquals(100, c.getDynamicBatching().getMaxQueueDelayMicroseconds());
        assertEquals(2, c.getInstanceGroup(0).getCount());

        var sequence = assertThrows(
                StatusRuntimeException.class,
                () -> triton.blocking()
                        .repositoryModelLoad(
                                load(
                                        "dense-triton",
                                        "{\"backend\": \"tensorflow\", \"sequence_batching\": {\"max_sequence_idle_microseconds\": 5}}")));
        assertEquals(Status.Code.INVALID_ARGUMENT, sequence.getStatus().getCode());
        assertTrue(
                sequence.getStatus().getDescription().contains("sequence_batching"),
                sequence.getStatus().getDescription());
        var gpu = assertThrows(
                StatusRuntimeException.class,
                () -> triton.blocking()
                        .repositoryModelLoad(load(
                                "dense-triton",
                                "{\"backend\": \"tensorflow\", \"instance_group\": [{\"kind\": \"KIND_GPU\"}]}")));
        assertTrue(gpu.getStatus().getDescription().contains("instance_group[0].kind"));
        var files = assertThrows(
                StatusRuntimeException.class,
                () -> triton.blocking()
                        .repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                                .setModelName("dense-triton")
                                .putParameters(
                                        "file:1/model.savedmodel/saved_model.pb",
                                        ModelRepositoryParameter.newBuilder()
                                                .setBytesParam(com.google.protobuf.ByteString.copyFromUtf8("x"))
                                                .build())
                                .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, files.getStatus().getCode());
    }

    private static RepositoryModelLoadRequest load(String model, String config) {
        return RepositoryModelLoadRequest.newBuilder()
                .setModelName(model)
                .putParameters(
                        "config",
                        ModelRepositoryParameter.newBuilder()
                                .setStringParam(config)
                                .build())
                .build();
    }

    @Test
    void deflateCompressedRequestsAreAccepted() throws Exception {
        CompressorRegistry compressors = CompressorRegistry.newEmptyInstance();
        compressors.register(new Codec() {
            @Override
            public String getMessageEncoding() {
                return "deflate";
            }

            @Override
            public OutputStream compress(OutputStream os) {
                return new DeflaterOutputStream(os);
            }

            @Override
            public InputStream decompress(InputStream is) {
                return new InflaterInputStream(is);
            }
        });
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", server.server().port())
                .usePlaintext()
                .compressorRegistry(compressors)
                .build();
        try {
            ModelInferResponse r = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .withCompression("deflate")
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .modelInfer(ModelInferRequest.newBuilder()
                            .setModelName("dense")
                            .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                    .setName("x")
                                    .setDatatype("FP32")
                                    .addShape(1)
                                    .addShape(4))
                            .addRawInputContents(TritonClient.raw(1, 2, 3, 4))
                            .build());
            assertEquals(List.of(1L, 3L), r.getOutputs(0).getShapeList());
        } finally {
            channel.shutdownNow();
        }
        assertFalse(server.server().port() == 0);
    }
}
