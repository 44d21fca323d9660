package io.llmaos.server.telemetry;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.concurrent.TimeUnit;

/**
 * The server's OpenTelemetry meter provider, built once and passed down (no global OpenTelemetry): a
 * Prometheus scrape endpoint on {@code host:port} when the port is not 0, and any further readers
 * (tests use an in-memory one). Closed with the server.
 */
public final class Telemetry implements AutoCloseable {
    /** The instrumentation scope of every instrument. */
    static final String SCOPE = "io.llmaos.server";

    private final SdkMeterProvider meters;
    private final PrometheusHttpServer prometheus;
    private final boolean collected;

    /**
     * @param host    the address the scrape endpoint binds (the gRPC host)
     * @param port    its port; 0 = no endpoint
     * @param readers further readers
     */
    public Telemetry(String host, int port, MetricReader... readers) {
        SdkMeterProviderBuilder b = SdkMeterProvider.builder();
        this.prometheus = port == 0
                ? null
                : PrometheusHttpServer.builder().setHost(host).setPort(port).build();
        if (prometheus != null) {
            b.registerMetricReader(prometheus);
        }
        for (MetricReader r : readers) {
            b.registerMetricReader(r);
        }
        this.collected = prometheus != null || readers.length > 0;
        this.meters = b.build();
    }

    /**
     * The server's telemetry: the scrape endpoint on {@code host:port} (0 = none) and, when
     * {@code otlpEndpoint} is set, metrics pushed every {@code interval} to its {@code /v1/metrics}.
     */
    public static Telemetry of(String host, int port, java.net.URI otlpEndpoint, java.time.Duration interval) {
        if (otlpEndpoint == null) {
            return new Telemetry(host, port);
        }
        String base = otlpEndpoint.toString().replaceAll("/+$", "");
        MetricReader push = io.opentelemetry.sdk.metrics.export.PeriodicMetricReader.builder(
                        io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter.builder()
                                .setEndpoint(base + "/v1/metrics")
                                .build())
                .setInterval(interval)
                .build();
        return new Telemetry(host, port, push);
    }

    public Meter meter() {
        return meters.get(SCOPE);
    }

    /** Whether any reader collects (else recording on the request path is skipped altogether). */
    public boolean collected() {
        return collected;
    }

    @Override
    public void close() {
        meters.shutdown().join(5, TimeUnit.SECONDS);
    }
}
