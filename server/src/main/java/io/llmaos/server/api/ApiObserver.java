package io.llmaos.server.api;

/**
 * Who hears of each request's end at the API (telemetry's counters by API and status). Calls come from
 * whatever thread ends a request: they must be quick and never block.
 */
public interface ApiObserver {
    /**
     * A request ended.
     *
     * @param api        the API: infer, infer_stream, generate, model_infer, model_stream_infer
     * @param model      the model it ran on, or null when it failed before a served model was found
     * @param status     the gRPC status code's name (OK for a result)
     * @param totalNanos its time in the server
     */
    void ended(String api, String model, String status, long totalNanos);
}
