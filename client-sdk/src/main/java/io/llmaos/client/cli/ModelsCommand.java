package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import io.llmaos.client.LlmaosClientException;
import io.llmaos.proto.v1.ModelSummary;
import io.llmaos.proto.v1.ModelVersionStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code llmaos models list|get|load|unload|watch}. */
@Command(
        name = "models",
        description = "The model repository",
        subcommands = {
            ModelsCommand.ListModels.class,
            ModelsCommand.Get.class,
            ModelsCommand.Load.class,
            ModelsCommand.Unload.class,
            ModelsCommand.Watch.class
        })
final class ModelsCommand {
    ModelsCommand() {}

    static String versions(ModelSummary m) {
        if (m.getVersionsCount() == 0) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (ModelVersionStatus v : m.getVersionsList()) {
            b.append(b.length() == 0 ? "" : ", ")
                    .append(v.getVersion())
                    .append(':')
                    .append(v.getState());
        }
        return b.toString();
    }

    /** Prints {@code line}; the exit code of success. */
    static int printed(PrintWriter out, String line) {
        out.println(line);
        out.flush();
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "Every model, its kind, engine and version states")
    static final class ListModels extends ClientCommand {
        @Override
        int run(LlmaosClient client, PrintWriter out) {
            var models = client.listModels();
            if (json()) {
                out.println(Output.json(models));
                out.flush();
            } else {
                Output.table(
                        out,
                        List.of("MODEL", "KIND", "ENGINE", "VERSIONS"),
                        models.getModelsList().stream()
                                .map(m -> List.of(
                                        m.getName(),
                                        m.getKind().name(),
                                        m.getEngine().name(),
                                        versions(m)))
                                .toList());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", description = "One model: summary, configuration, inputs and outputs")
    static final class Get extends ClientCommand {
        @Parameters(paramLabel = "MODEL")
        String name;

        @Override
        int run(LlmaosClient client, PrintWriter out) {
            var m = client.getModel(name);
            if (json()) {
                out.println(Output.json(m));
            } else {
                out.println(m.getSummary().getName() + "  " + m.getSummary().getKind() + "  "
                        + m.getSummary().getEngine() + "  versions " + versions(m.getSummary()));
                Output.table(
                        out,
                        List.of("TENSOR", "DIRECTION", "DATATYPE", "SHAPE"),
                        java.util.stream.Stream.concat(
                                        m.getInputsList().stream()
                                                .map(t -> List.of(
                                                        t.getName(),
                                                        "input",
                                                        t.getDatatype().name(),
                                                        t.getShapeList().toString())),
                                        m.getOutputsList().stream()
                                                .map(t -> List.of(
                                                        t.getName(),
                                                        "output",
                                                        t.getDatatype().name(),
                                                        t.getShapeList().toString())))
                                .toList());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "load", description = "Load (or reload) a model and wait until it is READY")
    static final class Load extends ClientCommand {
        @Parameters(paramLabel = "MODEL")
        String name;

        @Override
        int run(LlmaosClient client, PrintWriter out) {
            var r = client.loadModel(name);
            return printed(out, json() ? Output.json(r) : name + ": " + versions(r.getModel()));
        }
    }

    @Command(name = "unload", description = "Unload every version of a model (in-flight work finishes first)")
    static final class Unload extends ClientCommand {
        @Parameters(paramLabel = "MODEL")
        String name;

        @Override
        int run(LlmaosClient client, PrintWriter out) {
            var r = client.unloadModel(name);
            return printed(out, json() ? Output.json(r) : name + ": " + versions(r.getModel()));
        }
    }

    @Command(name = "watch", description = "Print every model's state, then changes as they happen (Ctrl-C stops)")
    static final class Watch extends ClientCommand {
        @picocli.CommandLine.Option(names = "--count", description = "Stop after this many events")
        int count;

        @Override
        int run(LlmaosClient client, PrintWriter out) {
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<LlmaosClientException> failure = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
            Runnable stop = client.watchModels(
                    e -> {
                        synchronized (out) {
                            if (count > 0 && seen.get() >= count) {
                                return;
                            }
                            boolean initial =
                                    e.getPreviousState() == io.llmaos.proto.v1.ModelState.MODEL_STATE_UNSPECIFIED;
                            out.println(
                                    json()
                                            ? Output.json(e)
                                            : e.getName() + "/" + e.getStatus().getVersion() + " "
                                                    + (initial ? "" : e.getPreviousState() + " -> ")
                                                    + e.getStatus().getState()
                                                    + (e.getStatus().getReason().isEmpty()
                                                            ? ""
                                                            : " ("
                                                                    + e.getStatus()
                                                                            .getReason() + ")"));
                            out.flush();
                            if (count > 0 && seen.incrementAndGet() >= count) {
                                done.countDown();
                            }
                        }
                    },
                    e -> {
                        synchronized (out) {
                            // the cancel that stopping after --count events sends is not a failure
                            if (count == 0 || seen.get() < count) {
                                failure.set(e);
                            }
                        }
                        done.countDown();
                    });
            Runtime.getRuntime().addShutdownHook(new Thread(stop));
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.run();
            if (failure.get() != null) {
                throw failure.get();
            }
            return ExitCodes.OK;
        }
    }
}
