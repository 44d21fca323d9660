package io.llmaos.loadtest.tool;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelMetadataResponse;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends one request of a workload and records its end: the request drawn from prepared variants, its
 * priority and tenant drawn from the mixes (each request tagged with them), its latency counted from
 * the time it was meant to be sent.
 */
final class Senders {
    /** Sends one request; {@code done} runs once it ended (answered or failed). */
    interface Sender extends AutoCloseable {
        void send(long intendedNanos, Recording recording, Runnable done);

        /** Ends what the sender holds open (the streams of InferStream). */
        @Override
        default void close() {}
    }

    private static final Metadata.Key<String> TENANT =
            Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER);
    private static final int VARIANTS = 8;

    private Senders() {}

    /** The sender of {@code w} over {@code channel}. */
    static Sender of(Channel channel, Workload w) {
        List<Channel> channels = new ArrayList<>();
        List<String> tenantTags = new ArrayList<>();
        if (w.tenants().isEmpty()) {
            channels.add(channel);
            tenantTags.add(null);
        } else {
            for (Workload.Weighted<String> t : w.tenants()) {
                Metadata h = new Metadata();
                h.put(TENANT, t.value());
                channels.add(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(h)));
                tenantTags.add("tenant=" + t.value());
            }
        }
        List<Integer> priorities = w.priorities().isEmpty()
                ? List.of(0)
                : w.priorities().stream().map(Workload.Weighted::value).toList();
        Draw tenants = new Draw(
                w.tenants().stream().mapToDouble(Workload.Weighted::weight).toArray());
        Draw levels = new Draw(
                w.priorities().stream().mapToDouble(Workload.Weighted::weight).toArray());
        String[][][] tags = new String[channels.size()][priorities.size()][];
        for (int t = 0; t < channels.size(); t++) {
            for (int p = 0; p < priorities.size(); p++) {
                List<String> list = new ArrayList<>();
                if (!w.priorities().isEmpty()) {
                    list.add("priority=" + priorities.get(p));
                }
                if (tenantTags.get(t) != null) {
                    list.add(tenantTags.get(t));
                }
                tags[t][p] = list.toArray(String[]::new);
            }
        }
        return switch (w.api()) {
            case LLMAOS -> llmaos(channels, priorities, tenants, levels, tags, w, metadata(channel, w));
            case STREAM ->
                new StreamSender(
                        channels.stream().map(InferenceServiceGrpc::newStub).toList(),
                        llmaosRequests(priorities, w, metadata(channel, w)),
                        tenants::next,
                        levels::next,
                        tags);
            case OIP -> oip(channels, priorities, tenants, levels, tags, w, metadata(channel, w));
            case GENERATE -> generate(channels, priorities, tenants, levels, tags, w);
        };
    }

    private static ModelMetadataResponse metadata(Channel channel, Workload w) {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, java.util.concurrent.TimeUnit.SECONDS)
                .modelMetadata(ModelMetadataRequest.newBuilder()
                        .setName(w.model())
                        .setVersion(w.version() == 0 ? "" : String.valueOf(w.version()))
                        .build());
    }

    private static List<List<TensorInputs.Input>> variants(ModelMetadataResponse metadata, Workload w) {
        if (w.inputs().file() != null) {
            try {
                return InputData.read(w.inputs().file(), metadata);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read " + w.inputs().file() + ": " + e.getMessage());
            }
        }
        Random random = new Random(42);
        List<List<TensorInputs.Input>> out = new ArrayList<>();
        int n = w.inputs().data() == Workload.Data.ZEROS ? 1 : VARIANTS;
        for (int i = 0; i < n; i++) {
            out.add(TensorInputs.of(
                    metadata, w.inputs().batchSize(), w.inputs().data() == Workload.Data.ZEROS ? null : random));
        }
        return out;
    }

    private static Sender llmaos(
            List<Channel> channels,
            List<Integer> priorities,
            Draw tenants,
            Draw levels,
            String[][][] tags,
            Workload w,
            ModelMetadataResponse metadata) {
        InferRequest[][] requests = llmaosRequests(priorities, w, metadata);
        List<InferenceServiceGrpc.InferenceServiceStub> stubs =
                channels.stream().map(InferenceServiceGrpc::newStub).toList();
        return (intended, rec, done) -> {
            int t = tenants.next();
            int p = levels.next();
            InferRequest r = requests[p][ThreadLocalRandom.current().nextInt(requests[p].length)];
            stubs.get(t).infer(r, new Unary<>(intended, rec, done, tags[t][p]) {
                @Override
                long queueUs(InferResponse value) {
                    return value.hasTiming() ? value.getTiming().getQueueTimeUs() : -1;
                }

                @Override
                long computeUs(InferResponse value) {
                    return value.hasTiming() ? value.getTiming().getComputeTimeUs() : -1;
                }
            });
        };
    }

    /** The llmaos.v1 requests: per priority, the input variants. */
    private static InferRequest[][] llmaosRequests(
            List<Integer> priorities, Workload w, ModelMetadataResponse metadata) {
        List<List<TensorInputs.Input>> variants = variants(metadata, w);
        InferRequest[][] requests = new InferRequest[priorities.size()][variants.size()];
        for (int p = 0; p < priorities.size(); p++) {
            for (int v = 0; v < variants.size(); v++) {
                InferRequest.Builder b = InferRequest.newBuilder()
                        .setModelName(w.model())
                        .setModelVersion(w.version())
                        .setPriority(priorities.get(p));
                for (TensorInputs.Input in : variants.get(v)) {
                    Tensor.Builder t =
                            Tensor.newBuilder().setName(in.name()).setDatatype(DataType.valueOf(in.datatype()));
                    for (long d : in.shape()) {
                        t.addShape(d);
                    }
                    b.addInputs(t.setRawContents(in.raw()));
                }
                requests[p][v] = b.build();
            }
        }
        return requests;
    }

    private static Sender oip(
            List<Channel> channels,
            List<Integer> priorities,
            Draw tenants,
            Draw levels,
            String[][][] tags,
            Workload w,
            ModelMetadataResponse metadata) {
        List<List<TensorInputs.Input>> variants = variants(metadata, w);
        ModelInferRequest[][] requests = new ModelInferRequest[priorities.size()][variants.size()];
        for (int p = 0; p < priorities.size(); p++) {
            for (int v = 0; v < variants.size(); v++) {
                ModelInferRequest.Builder b = ModelInferRequest.newBuilder()
                        .setModelName(w.model())
                        .setModelVersion(w.version() == 0 ? "" : String.valueOf(w.version()));
                if (priorities.get(p) > 0) {
                    b.putParameters(
                            "priority",
                            InferParameter.newBuilder()
                                    .setUint64Param(priorities.get(p))
                                    .build());
                }
                for (TensorInputs.Input in : variants.get(v)) {
                    ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
                            .setName(in.name())
                            .setDatatype(in.datatype());
                    for (long d : in.shape()) {
                        t.addShape(d);
                    }
                    b.addInputs(t).addRawInputContents(in.raw());
                }
                requests[p][v] = b.build();
            }
        }
        List<GRPCInferenceServiceGrpc.GRPCInferenceServiceStub> stubs =
                channels.stream().map(GRPCInferenceServiceGrpc::newStub).toList();
        return (intended, rec, done) -> {
            int t = tenants.next();
            int p = levels.next();
            ModelInferRequest r = requests[p][ThreadLocalRandom.current().nextInt(requests[p].length)];
            stubs.get(t).modelInfer(r, new Unary<>(intended, rec, done, tags[t][p]) {
                @Override
                long queueUs(ModelInferResponse value) {
                    InferParameter q = value.getParametersMap().get("queue_time_us");
                    return q == null ? -1 : q.getInt64Param();
                }

                @Override
                long computeUs(ModelInferResponse value) {
                    InferParameter c = value.getParametersMap().get("compute_time_us");
                    return c == null ? -1 : c.getInt64Param();
                }
            });
        };
    }

    private static Sender generate(
            List<Channel> channels,
            List<Integer> priorities,
            Draw tenants,
            Draw levels,
            String[][][] tags,
            Workload w) {
        Workload.Generation g = w.generation();
        List<InferenceServiceGrpc.InferenceServiceStub> stubs =
                channels.stream().map(InferenceServiceGrpc::newStub).toList();
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        return (intended, rec, done) -> {
            int t = tenants.next();
            int p = levels.next();
            GenerateRequest r = GenerateRequest.newBuilder()
                    .setModelName(w.model())
                    .setModelVersion(w.version())
                    .setPriority(priorities.get(p))
                    .setText(g.prompts()
                            .get((int) (next.getAndIncrement() % g.prompts().size())))
                    .setSampling(SamplingParams.newBuilder()
                            .setMaxNewTokens(g.maxTokens())
                            .setIgnoreEos(g.ignoreEos())
                            .setTemperature(g.temperature())
                            .setTopP(g.topP()))
                    .build();
            stubs.get(t).generate(r, new Unary<GenerateResponse>(intended, rec, done, tags[t][p]) {
                private long last;
                private int tokens;
                private long serverTtftUs = -1;

                @Override
                public void onNext(GenerateResponse value) {
                    long now = System.nanoTime();
                    int n = value.getTokensCount();
                    if (value.hasUsage() && value.getUsage().hasTimeToFirstToken()) {
                        var d = value.getUsage().getTimeToFirstToken();
                        serverTtftUs = d.getSeconds() * 1_000_000 + d.getNanos() / 1000;
                    }
                    if (n > 0) {
                        if (tokens == 0) {
                            rec.firstToken((now - intended) / 1000);
                            // tokens arriving with the first beyond the first one have no gap of their own
                            rec.firstTokens(n);
                        } else {
                            rec.tokens(n, (now - last) / 1000);
                        }
                        tokens += n;
                        last = now;
                    }
                }

                @Override
                long queueUs(GenerateResponse value) {
                    return -1;
                }

                @Override
                long computeUs(GenerateResponse value) {
                    return -1;
                }

                @Override
                void finished() {
                    rec.generated(tokens, serverTtftUs);
                }
            });
        };
    }

    /** A call's end, recorded (a unary call's, or a generation's once its stream ends). */
    private abstract static class Unary<R> implements StreamObserver<R> {
        private final long intended;
        private final Recording rec;
        private final Runnable done;
        private final String[] tags;
        private R value;

        Unary(long intended, Recording rec, Runnable done, String[] tags) {
            this.intended = intended;
            this.rec = rec;
            this.done = done;
            this.tags = tags;
        }

        abstract long queueUs(R value);

        abstract long computeUs(R value);

        /** What else the call records once it succeeded, before the next call starts. */
        void finished() {}

        @Override
        public void onNext(R v) {
            value = v;
        }

        @Override
        public void onError(Throwable e) {
            rec.failed(Status.fromThrowable(e).getCode().name());
            done.run();
        }

        @Override
        public void onCompleted() {
            rec.ok((System.nanoTime() - intended) / 1000, queueUs(value), computeUs(value), tags);
            finished();
            done.run();
        }
    }

    /** Draws an index by weight (always 0 without weights). */
    record Draw(double[] cumulative) {
        Draw {
            double sum = 0;
            double[] c = new double[cumulative.length];
            for (int i = 0; i < c.length; i++) {
                sum += cumulative[i];
                c[i] = sum;
            }
            cumulative = c;
        }

        int next() {
            if (cumulative.length <= 1) {
                return 0;
            }
            double x = ThreadLocalRandom.current().nextDouble() * cumulative[cumulative.length - 1];
            for (int i = 0; i < cumulative.length; i++) {
                if (x < cumulative[i]) {
                    return i;
                }
            }
            return cumulative.length - 1;
        }
    }
}
