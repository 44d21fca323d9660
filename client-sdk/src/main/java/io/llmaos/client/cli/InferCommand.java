package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code llmaos infer MODEL --input name=JSON|@file.npy ...}: one inference, outputs printed. */
@Command(name = "infer", description = "Run one inference; inputs as JSON values or .npy files")
final class InferCommand extends ClientCommand {
    private static final int SHOWN = 16;

    @Parameters(paramLabel = "MODEL")
    String model;

    @Option(
            names = "--input",
            paramLabel = "NAME=VALUE",
            required = true,
            description = "An input as JSON (nesting = shape) or @file.npy; repeat for each input")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--priority", description = "1 = highest; 0 = the model's default")
    int priority;

    @Override
    int run(LlmaosClient client, PrintWriter out) {
        Map<String, DataType> declared = new LinkedHashMap<>();
        client.getModel(model).getInputsList().forEach(t -> declared.put(t.getName(), t.getDatatype()));
        InferRequest.Builder request =
                InferRequest.newBuilder().setModelName(model).setPriority(priority);
        for (String spec : inputs) {
            request.addInputs(TensorInput.parse(spec, declared));
        }
        InferResponse response = client.infer(request.build());
        if (json()) {
            out.println(Output.json(response));
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (Tensor t : response.getOutputsList()) {
                rows.add(List.of(
                        t.getName(), t.getDatatype().name(), t.getShapeList().toString(), values(t.getContents())));
            }
            Output.table(out, List.of("OUTPUT", "DATATYPE", "SHAPE", "VALUES"), rows);
            out.printf(
                    "queue %d us, compute %d us%n",
                    response.getTiming().getQueueTimeUs(), response.getTiming().getComputeTimeUs());
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String values(TensorContents c) {
        List<?> all = !c.getFp32ContentsList().isEmpty()
                ? c.getFp32ContentsList()
                : !c.getInt64ContentsList().isEmpty()
                        ? c.getInt64ContentsList()
                        : !c.getIntContentsList().isEmpty()
                                ? c.getIntContentsList()
                                : !c.getFp64ContentsList().isEmpty()
                                        ? c.getFp64ContentsList()
                                        : !c.getBytesContentsList().isEmpty()
                                                ? c.getBytesContentsList().stream()
                                                        .map(b -> b.toStringUtf8())
                                                        .toList()
                                                : c.getBoolContentsList();
        String shown = all.subList(0, Math.min(SHOWN, all.size())).toString();
        return all.size() > SHOWN ? shown.substring(0, shown.length() - 1) + ", ... (" + all.size() + ")]" : shown;
    }
}
