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
 * The access log (--access-log): one JSON line per finished request to the logger
 * {@value #LOGGER}: time, API, request id, tenant, model, version, status, queue, compute and total
 * time, batch size, and tokens for a generation. Never a payload, prompt or generated text; a
 * client's request id is cut like any echoed value. Off, it is {@link #OFF}, and nothing is done.
 */
class AccessLog {
    static final String LOGGER = "llmaos.access";
    static final AccessLog OFF = new AccessLog(null) {
        @Override
        boolean on() {
            return false;
        }
    };

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Clock clock;

    AccessLog(Clock clock) {
        this.clock = clock;
    }

    boolean on() {
        return true;
    }

    /** A tensor request ended: with {@code result}, or with {@code error}. */
    void tensor(
            String api,
            String requestId,
            String tenant,
            String model,
            long version,
            long received,
            InferenceResult result,
            Throwable error) {
        ObjectNode line = line(api, requestId, tenant, model, version, received, error);
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
            GenerationUsage usage,
            Throwable error) {
        ObjectNode line = line(api, requestId, tenant, model, version, received, error);
        if (usage != null) {
            line.put("queue_us", usage.queueNanos() / 1000);
            line.put("first_token_us", usage.firstTokenNanos() / 1000);
            line.put("prompt_tokens", usage.promptTokens());
            line.put("generated_tokens", usage.generatedTokens());
        }
        log.info(line.toString());
    }

    private ObjectNode line(
            String api, String requestId, String tenant, String model, long version, long received, Throwable error) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", clock.now().toString());
        line.put("api", api);
        line.put("request_id", Echo.cut(requestId));
        line.put("tenant", tenant);
        line.put("model", Echo.cut(model));
        line.put("version", version);
        Status.Code code = error == null
                ? Status.Code.OK
                : StatusMapper.toStatusException(error).getStatus().getCode();
        line.put("status", code.name());
        line.put("total_us", (clock.nanoTime() - received) / 1000);
        return line;
    }
}
