package io.llmaos.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.request.GenerationUsage;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.runtime.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every request's end goes: the access log (--access-log), one JSON line per finished request to
 * the logger {@value #LOGGER} (time, API, request id, tenant, model, version, status, queue, compute
 * and total time, batch size, and tokens for a generation; never a payload, prompt or generated text;
 * a client's request id is cut like any echoed value), and the {@link ApiObserver} (telemetry).
 * With neither, {@link #on} is false and the APIs do nothing at a request's end.
 */
class RequestEnds {
    static final String LOGGER = "llmaos.access";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Clock clock;
    private final boolean logged;
    private final ApiObserver observer;

    /**
     * @param logged   whether the access log is on
     * @param observer who else hears (null for nobody)
     */
    RequestEnds(Clock clock, boolean logged, ApiObserver observer) {
        this.clock = clock;
        this.logged = logged;
        this.observer = observer;
    }

    boolean on() {
        return logged || observer != null;
    }

    /** A tensor request ended: with {@code result}, or with {@code error}. */
    void tensor(
            String api,
            String requestId,
            String tenant,
            String model,
            long version,
            long received,
            boolean resolved,
            InferenceResult result,
            Throwable error) {
        long total = clock.nanoTime() - received;
        String status = status(error);
        if (observer != null) {
            observer.ended(api, resolved || result != null ? model : null, status, total);
        }
        if (!logged) {
            return;
        }
        ObjectNode line = line(api, requestId, tenant, model, version, status, total);
        if (result != null) {
            line.put("version", result.model().version());
            line.put("queue_us", result.queueNanos() / 1000);
            line.put("compute_us", result.computeNanos() / 1000);
            line.put("batch_size", result.batchSize());
        }
        log.info(line.toString());
    }

    /** A generation ended: with {@code usage}, or with {@code error}. */
    void generation(
            String api,
            String requestId,
            String tenant,
            String model,
            long version,
            long received,
            boolean resolved,
            GenerationUsage usage,
            Throwable error) {
        long total = clock.nanoTime() - received;
        String status = status(error);
        if (observer != null) {
            observer.ended(api, resolved || usage != null ? model : null, status, total);
        }
        if (!logged) {
            return;
        }
        ObjectNode line = line(api, requestId, tenant, model, version, status, total);
        if (usage != null) {
            line.put("queue_us", usage.queueNanos() / 1000);
            line.put("first_token_us", usage.firstTokenNanos() / 1000);
            line.put("prompt_tokens", usage.promptTokens());
            line.put("generated_tokens", usage.generatedTokens());
        }
        log.info(line.toString());
    }

    private static String status(Throwable error) {
        return error == null
                ? Status.Code.OK.name()
                : StatusMapper.toStatusException(error).getStatus().getCode().name();
    }

    private ObjectNode line(
            String api, String requestId, String tenant, String model, long version, String status, long total) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", clock.now().toString());
        line.put("api", api);
        line.put("request_id", Echo.cut(requestId));
        line.put("tenant", tenant);
        line.put("model", Echo.cut(model));
        line.put("version", version);
        line.put("status", status);
        line.put("total_us", total / 1000);
        return line;
    }
}
