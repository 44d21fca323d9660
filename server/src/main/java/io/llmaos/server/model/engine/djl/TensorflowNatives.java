package io.llmaos.server.model.engine.djl;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * DJL's TensorFlow engine needs a folder holding {@code libjnitensorflow.so} (else it tries to
 * download one). The three TensorFlow libraries ship inside {@code tensorflow-core-native} on our
 * class path; this copies them once into the engine cache.
 */
final class TensorflowNatives {
    private static final String PREFIX = "org/tensorflow/internal/c_api/linux-x86_64/";
    private static final List<String> LIBRARIES =
            List.of("libjnitensorflow.so", "libtensorflow_cc.so.2", "libtensorflow_framework.so.2");

    private TensorflowNatives() {}

    /** Extracts the libraries under {@code cacheDir} (if not already there) and returns their folder. */
    static Path extract(Path cacheDir) {
        ClassLoader loader = TensorflowNatives.class.getClassLoader();
        URL probe = loader.getResource(PREFIX + LIBRARIES.get(0));
        if (probe == null) {
            throw new LlmaosException(
                    ErrorCode.INTERNAL,
                    "the TensorFlow natives (org.tensorflow:tensorflow-core-native:linux-x86_64) are not on the class path");
        }
        Path dir = cacheDir.resolve("tensorflow-core-native-" + version(probe));
        try {
            Files.createDirectories(dir);
            for (String name : LIBRARIES) {
                Path target = dir.resolve(name);
                if (Files.isRegularFile(target) && Files.size(target) > 0) {
                    continue;
                }
                try (InputStream in = loader.getResourceAsStream(PREFIX + name)) {
                    if (in == null) {
                        throw new IOException(PREFIX + name + " is missing from the class path");
                    }
                    Path partial = Files.createTempFile(dir, name, ".part");
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new LlmaosException(ErrorCode.INTERNAL, "cannot extract the TensorFlow natives into " + dir, e);
        }
        return dir;
    }

    /** The jar's version, from a URL like .../tensorflow-core-native-1.0.0-linux-x86_64.jar!/... */
    private static String version(URL resource) {
        String s = resource.toString();
        int at = s.indexOf("tensorflow-core-native-");
        if (at < 0) {
            return "local";
        }
        String rest = s.substring(at + "tensorflow-core-native-".length());
        int end = rest.indexOf(".jar");
        return end > 0 ? rest.substring(0, end) : "local";
    }
}
