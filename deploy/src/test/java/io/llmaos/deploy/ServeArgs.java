package io.llmaos.deploy;

import io.llmaos.server.Main;
import io.llmaos.server.config.ServerSettings;
import io.llmaos.server.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container's {@code serve} arguments and {@code LLMAOS_*} variables, read by the server's own parser
 * ({@link Main#serveSettings}). The files and folders they name must lie on the container's volumes
 * (or in the image, for paths the image holds): each is made under a scratch folder in its place, so
 * the parser's checks (a folder that exists, a file that reads) run as in the container.
 */
final class ServeArgs {
    /** The launcher's own variable (JVM options), not a server setting. */
    static final String JAVA_OPTS = "LLMAOS_JAVA_OPTS";

    private ServeArgs() {}

    /**
     * @param args     the container's arguments (the launcher's command: {@code serve} first)
     * @param env      its variables (from a ConfigMap and its own list)
     * @param onDisk   the folders the container has: its volumes' mount paths and the image's folders
     * @param files    what files on those volumes hold (a Secret's keys), by their path in the container
     * @param scratch  where those folders are made for the check
     */
    static ServerSettings settings(
            List<String> args, Map<String, String> env, List<String> onDisk, Map<String, String> files, Path scratch)
            throws IOException {
        if (args.isEmpty() || !args.get(0).equals("serve")) {
            throw new AssertionError("the launcher's first argument must be serve: " + args);
        }
        List<String> rooted = new ArrayList<>(args.subList(1, args.size()));
        for (int i = 0; i < rooted.size() - 1; i++) {
            String arg = rooted.get(i);
            if (arg.startsWith("--")) {
                Optional<Setting> s = Setting.byKey(arg.substring(2));
                if (s.isEmpty()) {
                    throw new AssertionError("a flag the server does not have: " + arg);
                }
                rooted.set(i + 1, root(s.get(), rooted.get(i + 1), onDisk, files, scratch));
            }
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith("LLMAOS_") || e.getKey().equals(JAVA_OPTS)) {
                continue;
            }
            Setting s = Arrays.stream(Setting.values())
                    .filter(x -> x.envVar().equals(e.getKey()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("a variable the server does not read: " + e.getKey()));
            environment.put(e.getKey(), root(s, e.getValue(), onDisk, files, scratch));
        }
        return Main.serveSettings(rooted, environment, scratch.resolve("home"), 4);
    }

    /** A FILE or DIR setting's absolute path, moved under {@code scratch} and made there. */
    private static String root(Setting s, String value, List<String> onDisk, Map<String, String> files, Path scratch)
            throws IOException {
        boolean dir = s.paramLabel().equals("DIR");
        if (!(dir || s.paramLabel().equals("FILE")) || !value.startsWith("/")) {
            return value;
        }
        String folder = onDisk.stream()
                .filter(m -> value.equals(m) || value.startsWith(m.endsWith("/") ? m : m + "/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "--" + s.key() + " " + value + " is on none of the container's volumes " + onDisk));
        Path path = scratch.resolve(value.substring(1));
        if (dir) {
            Files.createDirectories(path);
        } else if (!Files.exists(path)) {
            Files.createDirectories(path.getParent());
            Files.writeString(
                    path,
                    files.getOrDefault(
                            value, "# made by the deploy test in place of " + value + " (on " + folder + ")\n"));
        }
        return path.toString();
    }
}
