package io.llmaos.server.core.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The server's name and version, as built. */
public record BuildInfo(String name, String version) {
    private static final String RESOURCE = "/io/llmaos/server/build.properties";

    /** Reads the version Maven wrote into the server jar at build time. */
    public static BuildInfo fromClasspath() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new BuildInfo("llmaos", "unknown");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new BuildInfo("llmaos", properties.getProperty("version", "unknown"));
    }
}
