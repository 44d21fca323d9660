package io.llmaos.server;

import io.llmaos.server.config.ServerSettings;
import io.llmaos.server.config.Setting;
import io.llmaos.server.config.SettingsLoader;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Settings for a test server: loopback, port 0, a given model folder, other settings as given. */
public final class TestSettings {
    private TestSettings() {}

    public static ServerSettings loopback(Path models, Map<Setting, String> more) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.HOST, "127.0.0.1");
        flags.put(Setting.PORT, "0");
        flags.put(Setting.METRICS_PORT, "0");
        flags.putIfAbsent(Setting.HTTP_PORT, "0");
        flags.put(Setting.MODELS, models.toString());
        flags.putAll(more);
        return new SettingsLoader(Map.of(), models, 2).load(flags);
    }

    public static ServerSettings loopback(Path models) {
        return loopback(models, Map.of());
    }
}
