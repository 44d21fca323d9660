package io.llmaos.server.resource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * GPUs through {@code nvidia-smi} (memory and utilisation), when it is on the PATH; a machine
 * without it has no GPUs to report (an empty list, not an error). One run costs tens of
 * milliseconds, so it is made at the monitor's interval, never per request.
 */
final class GpuProbe {
    private static final long MIB = 1024L * 1024;
    private final Path nvidiaSmi;

    GpuProbe() {
        this.nvidiaSmi = find("nvidia-smi");
    }

    /** Whether a GPU tool was found. */
    boolean present() {
        return nvidiaSmi != null;
    }

    List<MachineSample.Gpu> sample() {
        if (nvidiaSmi == null) {
            return List.of();
        }
        try {
            Process p = new ProcessBuilder(
                            nvidiaSmi.toString(),
                            "--query-gpu=index,name,memory.total,memory.used,utilization.gpu",
                            "--format=csv,noheader,nounits")
                    .redirectErrorStream(true)
                    .start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return List.of();
            }
            return parse(out);
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** nvidia-smi's CSV lines ("0, NVIDIA H200, 143771, 1024, 37"). */
    static List<MachineSample.Gpu> parse(String csv) {
        List<MachineSample.Gpu> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            String[] f = line.split(",\\s*");
            if (f.length < 5) {
                continue;
            }
            try {
                gpus.add(new MachineSample.Gpu(
                        Integer.parseInt(f[0].trim()),
                        f[1].trim(),
                        Long.parseLong(f[2].trim()) * MIB,
                        Long.parseLong(f[3].trim()) * MIB,
                        Double.parseDouble(f[4].trim()) / 100.0));
            } catch (NumberFormatException ignored) {
                // "[N/A]" fields: leave the device out rather than report a guess
            }
        }
        return gpus;
    }

    private static Path find(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
