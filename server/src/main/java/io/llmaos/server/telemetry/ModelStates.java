package io.llmaos.server.telemetry;

import io.llmaos.server.model.lifecycle.ModelEvent;
import io.llmaos.server.model.lifecycle.ModelRegistry;
import io.llmaos.server.model.lifecycle.ModelState;
import io.llmaos.server.model.lifecycle.VersionStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each model version's state ({@code llmaos.model.state}: 1 for its current state, 0 for the others)
 * and its last load time ({@code llmaos.model.load.time}), kept from the registry's state changes as
 * they happen: a scrape reads memory, never the repository.
 */
public final class ModelStates implements AutoCloseable {
    static final AttributeKey<String> STATE = AttributeKey.stringKey("state");

    private final Map<String, VersionStatus> versions = new ConcurrentHashMap<>();
    private final Runnable unwatch;
    private final ObservableLongGauge state;
    private final ObservableDoubleGauge loadTime;

    public ModelStates(Meter meter, ModelRegistry registry) {
        this.unwatch = registry.watch(this::changed);
        this.state = meter.gaugeBuilder("llmaos.model.state")
                .ofLongs()
                .setUnit("1")
                .setDescription("1 for a model version's current state (LOADING, READY, UNLOADING, FAILED,"
                        + " UNAVAILABLE), 0 for the others")
                .buildWithCallback(m -> versions.forEach((key, v) -> {
                    String[] parts = key.split("\u0000", 2);
                    for (ModelState s : ModelState.values()) {
                        m.record(
                                s == v.state() ? 1 : 0,
                                Attributes.of(
                                        ServerMetrics.MODEL,
                                        parts[0],
                                        ServerMetrics.VERSION,
                                        parts[1],
                                        STATE,
                                        s.name()));
                    }
                }));
        this.loadTime = meter.gaugeBuilder("llmaos.model.load.time")
                .setUnit("s")
                .setDescription("How long a model version's last load took")
                .buildWithCallback(m -> versions.forEach((key, v) -> {
                    if (v.loadMillis() > 0) {
                        String[] parts = key.split("\u0000", 2);
                        m.record(
                                v.loadMillis() / 1000.0,
                                Attributes.of(ServerMetrics.MODEL, parts[0], ServerMetrics.VERSION, parts[1]));
                    }
                }));
    }

    private void changed(ModelEvent e) {
        versions.put(e.name() + '\u0000' + e.status().version(), e.status());
    }

    @Override
    public void close() {
        unwatch.run();
        state.close();
        loadTime.close();
    }
}
