package io.llmaos.loadtest.tool;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferStreamResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Sends requests over InferStream: per tenant a few long-lived streams ({@value #LANES}, used in turn),
 * each request with its own id and answered by id; a stream that fails fails what it had outstanding
 * and is opened again on its next use.
 */
final class StreamSender implements Senders.Sender {
    static final int LANES = 4;

    private final List<InferenceServiceGrpc.InferenceServiceStub> stubs;
    private final InferRequest[][] requests;
    private final IntSupplier tenants;
    private final IntSupplier levels;
    private final String[][][] tags;
    private final Lane[][] lanes;
    private final AtomicLong ids = new AtomicLong();

    StreamSender(
            List<InferenceServiceGrpc.InferenceServiceStub> stubs,
            InferRequest[][] requests,
            IntSupplier tenants,
            IntSupplier levels,
            String[][][] tags) {
        this.stubs = stubs;
        this.requests = requests;
        this.tenants = tenants;
        this.levels = levels;
        this.tags = tags;
        this.lanes = new Lane[stubs.size()][LANES];
        for (int t = 0; t < stubs.size(); t++) {
            for (int l = 0; l < LANES; l++) {
                lanes[t][l] = new Lane(stubs.get(t));
            }
        }
    }

    @Override
    public void send(long intended, Recording rec, Runnable done) {
        int t = tenants.getAsInt();
        int p = levels.getAsInt();
        long id = ids.incrementAndGet();
        InferRequest r = requests[p][ThreadLocalRandom.current().nextInt(requests[p].length)].toBuilder()
                .setRequestId(Long.toString(id))
                .build();
        lanes[t][(int) (id % LANES)].send(r, new Pending(intended, rec, done, tags[t][p]));
    }

    @Override
    public void close() {
        for (Lane[] perTenant : lanes) {
            for (Lane lane : perTenant) {
                lane.close();
            }
        }
    }

    /** A request waiting for its answer. */
    private record Pending(long intended, Recording rec, Runnable done, String[] tags) {
        void answered(InferStreamResponse r) {
            if (r.hasError()) {
                rec.failed(
                        Status.fromCodeValue(r.getError().getCode()).getCode().name());
            } else {
                var timing = r.getResponse().getTiming();
                rec.ok(
                        (System.nanoTime() - intended) / 1000,
                        r.getResponse().hasTiming() ? timing.getQueueTimeUs() : -1,
                        r.getResponse().hasTiming() ? timing.getComputeTimeUs() : -1,
                        tags);
            }
            done.run();
        }

        void failed(Status status) {
            rec.failed(status.getCode().name());
            done.run();
        }
    }

    /** One stream and what it has outstanding. */
    private static final class Lane {
        private final InferenceServiceGrpc.InferenceServiceStub stub;
        private final Map<String, Pending> pending = new ConcurrentHashMap<>();
        private StreamObserver<InferRequest> out;

        Lane(InferenceServiceGrpc.InferenceServiceStub stub) {
            this.stub = stub;
        }

        synchronized void send(InferRequest r, Pending p) {
            if (out == null) {
                out = stub.inferStream(new StreamObserver<>() {
                    @Override
                    public void onNext(InferStreamResponse value) {
                        Pending waiting = pending.remove(value.getRequestId());
                        if (waiting != null) {
                            waiting.answered(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        ended(Status.UNAVAILABLE.withDescription("the stream ended"));
                    }
                });
            }
            pending.put(r.getRequestId(), p);
            out.onNext(r);
        }

        /** The stream ended: what it had outstanding fails, and the next send opens another. */
        private void ended(Status status) {
            synchronized (this) {
                out = null;
            }
            for (String id : List.copyOf(pending.keySet())) {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.failed(status);
                }
            }
        }

        synchronized void close() {
            if (out != null) {
                out.onCompleted();
                out = null;
            }
        }
    }
}
