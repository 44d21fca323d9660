package io.llmaos.loadtest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.server.api.mapping.InferMapping;
import io.llmaos.server.api.mapping.OipMapping;
import io.llmaos.server.codec.InputLimits;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.InferenceEngine;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.djl.DjlRuntime;
import io.llmaos.server.model.repository.ModelRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The layers between the engine and the wire, measured in this process without gRPC or the
 * scheduler, on the server's own classes:
 *
 * <ul>
 *   <li><b>adapter</b>: our engine adapter alone, {@link ModelInstance#execute} on core tensors
 *       (tensors to NDArrays, the engine call, NDArrays back to tensors, and the model kind's own
 *       work such as a classifier's labels);
 *   <li><b>api</b>: the request bytes parsed, mapped and validated ({@link InferMapping} or
 *       {@link OipMapping}), the adapter, and the response built and serialised: everything the
 *       served path does except the transport and the scheduler.
 * </ul>
 */
final class InProcessAdapter {
    /** The server's default {@code --max-element-bytes}. */
    private static final int MAX_ELEMENT_BYTES = 64 << 10;

    private final ModelRepository repository;
    private final List<InferenceEngine> engines = DjlRuntime.engines(1);

    /** One model loaded through the server's engine adapter, with one instance for this thread. */
    final class Loaded implements AutoCloseable {
        private final ModelSpec spec;
        private final LoadedModel model;
        private final ModelInstance instance;
        private final InputLimits limits;

        private Loaded(String name) {
            spec = repository.spec(repository.read(name), 1);
            model = engines.stream()
                    .filter(e -> e.type() == spec.engine())
                    .findFirst()
                    .orElseThrow()
                    .load(spec);
            instance = model.newInstance();
            limits = InputLimits.of(spec, MAX_ELEMENT_BYTES);
        }

        /** Latency of the adapter alone on the decoded inputs of {@code request}, in microseconds. */
        Histogram adapter(InferRequest request, int warm, int calls) throws Exception {
            List<Tensor> inputs = InferMapping.inputs(request, spec, limits);
            return InProcessLoops.latency(
                    warm, calls, () -> instance.execute(inputs).size());
        }

        /** Latency of llmaos.v1 Infer without transport or scheduler: bytes in, bytes out. */
        Histogram inferApi(byte[] request, int warm, int calls) throws Exception {
            return InProcessLoops.latency(warm, calls, () -> infer(request).length);
        }

        /** Latency of OIP ModelInfer without transport or scheduler: bytes in, bytes out. */
        Histogram oipApi(byte[] request, int warm, int calls) throws Exception {
            return InProcessLoops.latency(warm, calls, () -> modelInfer(request).length);
        }

        /** Rows per second of the adapter on {@code threads} threads (an instance each), {@code batch} rows per call. */
        double adapterRowsPerSecond(InferRequest batchRequest, int batch, int threads, Duration duration)
                throws Exception {
            List<Tensor> inputs = InferMapping.inputs(batchRequest, spec, limits);
            return InProcessLoops.rowsPerSecond(threads, duration, () -> {
                ModelInstance own = model.newInstance();
                return new InProcessLoops.Call() {
                    @Override
                    public int run() {
                        own.execute(inputs);
                        return batch;
                    }

                    @Override
                    public void close() {
                        own.close();
                    }
                };
            });
        }

        private byte[] infer(byte[] bytes) throws InvalidProtocolBufferException {
            long t0 = System.nanoTime();
            InferRequest request = InferRequest.parseFrom(bytes);
            List<Tensor> outputs = instance.execute(InferMapping.inputs(request, spec, limits));
            return InferMapping.response(request, result(outputs, t0), System.nanoTime() - t0)
                    .toByteArray();
        }

        private byte[] modelInfer(byte[] bytes) throws InvalidProtocolBufferException {
            long t0 = System.nanoTime();
            ModelInferRequest request = ModelInferRequest.parseFrom(bytes);
            List<Tensor> outputs = instance.execute(OipMapping.inputs(request, spec, limits));
            return OipMapping.response(request, result(outputs, t0), spec, java.util.Map.of())
                    .toByteArray();
        }

        private InferenceResult result(List<Tensor> outputs, long t0) {
            return new InferenceResult(spec.ref(), outputs, 0, System.nanoTime() - t0, 1);
        }

        @Override
        public void close() {
            instance.close();
            model.close();
        }
    }

    InProcessAdapter(Path models) {
        repository = new ModelRepository(models);
    }

    /** Loads model {@code name} (version 1) of the repository through the server's engine adapter. */
    Loaded load(String name) {
        return new Loaded(name);
    }
}
