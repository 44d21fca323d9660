package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.SystemSharedMemoryRegisterRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * System shared memory against the wire, printed as JSON: one 4 MiB FP32 input (262,144 rows of 4
 * values) to tf-dense (configured without a batch limit) sent as raw_input_contents, or read by the
 * server from a registered /dev/shm region; the 3 MiB output back over the wire or written into a
 * region. Rounds alternate the modes in one run against one server process; medians are reported.
 *
 * <p>Run: {@code loadtest/bin/shm-benchmark [rounds]}.
 */
public final class SharedMemoryBenchmark {
    private static final int ROWS = 262_144;
    private static final int INPUT_BYTES = ROWS * 4 * 4;
    private static final int OUTPUT_BYTES = ROWS * 3 * 4;

    private SharedMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SharedMemoryBenchmark <server class path> <models dir> [rounds]");
            System.exit(2);
        }
        Path models = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path repo = Files.createTempDirectory("llmaos-shm-bench-");
        Path object = Path.of(
                "/dev/shm", "llmaos-shm-bench-" + ProcessHandle.current().pid());
        try {
            Path model = repo.resolve("dense");
            copyTree(models.resolve("tf-dense"), model);
            Files.writeString(
                    model.resolve("config.json"),
                    "{\"kind\": \"TENSOR\", \"engine\": \"TENSORFLOW\", \"max_batch_size\": 0,"
                            + " \"max_input_elements\": 2000000,"
                            + " \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [-1, 4]}],"
                            + " \"outputs\": [{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [-1, 3]}],"
                            + " \"instances\": {\"min\": 1, \"threads_per_instance\": 1}}");
            try (FileChannel ch = FileChannel.open(
                            object, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    ServerProcess server = ServerProcess.start(
                            args[0],
                            ServerProcess.benchmarkJvmOptions(),
                            List.of("--models", repo.toString(), "--load-models", "dense"))) {
                MappedByteBuffer shm = ch.map(FileChannel.MapMode.READ_WRITE, 0, INPUT_BYTES + OUTPUT_BYTES);
                ByteBuffer values = ByteBuffer.allocate(INPUT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < ROWS * 4; i++) {
                    values.putFloat((i % 7) - 3f);
                }
                values.flip();
                shm.duplicate().put(values.duplicate());
                ByteString raw = ByteString.copyFrom(values.duplicate());
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(server.channel());
                stub.systemSharedMemoryRegister(region("in", object, 0, INPUT_BYTES));
                stub.systemSharedMemoryRegister(region("out", object, INPUT_BYTES, OUTPUT_BYTES));
                ModelInferRequest wire = request().addRawInputContents(raw).build();
                ModelInferRequest shmIn = request(true).build();
                ModelInferRequest shmBoth = request(true)
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("y")
                                .putParameters("shared_memory_region", string("out"))
                                .putParameters("shared_memory_byte_size", integer(OUTPUT_BYTES)))
                        .build();
                List<Supplier<Object>> modes =
                        List.of(() -> call(stub, wire), () -> call(stub, shmIn), () -> call(stub, shmBoth));
                long[][] micros = new long[modes.size()][rounds];
                for (int warm = 0; warm < 5; warm++) {
                    modes.forEach(Supplier::get);
                }
                for (int r = 0; r < rounds; r++) {
                    for (int m = 0; m < modes.size(); m++) {
                        long t0 = System.nanoTime();
                        modes.get(m).get();
                        micros[m][r] = (System.nanoTime() - t0) / 1000;
                    }
                }
                ObjectNode report = new ObjectMapper().createObjectNode();
                report.put("benchmark", "shared-memory");
                report.put("cores", Runtime.getRuntime().availableProcessors());
                report.put("input_bytes", INPUT_BYTES);
                report.put("output_bytes", OUTPUT_BYTES);
                report.put("rounds", rounds);
                long wireUs = median(micros[0]);
                long shmInUs = median(micros[1]);
                long shmBothUs = median(micros[2]);
                report.put("wire_in_wire_out_p50_us", wireUs);
                report.put("shm_in_wire_out_p50_us", shmInUs);
                report.put("shm_in_shm_out_p50_us", shmBothUs);
                report.put("shm_in_over_wire_ratio", Math.round(1000.0 * shmInUs / wireUs) / 1000.0);
                report.put("shm_both_over_wire_ratio", Math.round(1000.0 * shmBothUs / wireUs) / 1000.0);
                System.out.println(report.toPrettyString());
            }
        } finally {
            Files.deleteIfExists(object);
            deleteTree(repo);
        }
    }

    private static Object call(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub, ModelInferRequest r) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS).modelInfer(r);
    }

    private static ModelInferRequest.Builder request() {
        return request(false);
    }

    private static ModelInferRequest.Builder request(boolean shm) {
        ModelInferRequest.InferInputTensor.Builder x = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("x")
                .setDatatype("FP32")
                .addShape(ROWS)
                .addShape(4);
        if (shm) {
            x.putParameters("shared_memory_region", string("in"))
                    .putParameters("shared_memory_byte_size", integer(INPUT_BYTES));
        }
        return ModelInferRequest.newBuilder().setModelName("dense").addInputs(x);
    }

    private static SystemSharedMemoryRegisterRequest region(String name, Path object, long offset, long size) {
        return SystemSharedMemoryRegisterRequest.newBuilder()
                .setName(name)
                .setKey("/" + object.getFileName())
                .setOffset(offset)
                .setByteSize(size)
                .build();
    }

    private static InferParameter string(String s) {
        return InferParameter.newBuilder().setStringParam(s).build();
    }

    private static InferParameter integer(long v) {
        return InferParameter.newBuilder().setInt64Param(v).build();
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
