package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.SamplingParams;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code llmaos generate MODEL "prompt"}: prints text as tokens arrive; the finish reason and usage
 * go to stderr. Ctrl-C cancels the generation on the server.
 */
@Command(name = "generate", description = "Generate text from a GENERATIVE model, printed as it is made")
final class GenerateCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Parameters(index = "1", paramLabel = "PROMPT")
    String prompt;

    @Option(names = "--max-tokens", description = "Most tokens to generate")
    Integer maxTokens;

    @Option(names = "--temperature", description = "0 = greedy")
    Float temperature;

    @Option(names = "--top-k")
    Integer topK;

    @Option(names = "--top-p")
    Float topP;

    @Option(names = "--seed", description = "The same seed gives the same text")
    Long seed;

    @Option(names = "--stop", description = "Stop before this text (repeatable)")
    List<String> stops = List.of();

    @Option(names = "--priority", description = "1 = highest; 0 = the model's default")
    int priority;

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-sequence tokens")
    boolean ignoreEos;

    @Override
    int run(LlmaosClient client, PrintWriter out) {
        SamplingParams.Builder s =
                SamplingParams.newBuilder().addAllStopSequences(stops).setIgnoreEos(ignoreEos);
        if (maxTokens != null) {
            s.setMaxNewTokens(maxTokens);
        }
        if (temperature != null) {
            s.setTemperature(temperature);
        }
        if (topK != null) {
            s.setTopK(topK);
        }
        if (topP != null) {
            s.setTopP(topP);
        }
        if (seed != null) {
            s.setSeed(seed);
        }
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModelName(model)
                .setText(prompt)
                .setSampling(s)
                .setPriority(priority)
                .build();
        try (LlmaosClient.GenerationStream stream = client.generate(request)) {
            Thread cancel = new Thread(stream::close);
            Runtime.getRuntime().addShutdownHook(cancel);
            GenerateResponse last = null;
            while (stream.hasNext()) {
                last = stream.next();
                if (json()) {
                    out.println(Output.json(last));
                } else {
                    last.getTokensList().forEach(t -> out.print(t.getText()));
                }
                out.flush();
            }
            Runtime.getRuntime().removeShutdownHook(cancel);
            if (!json() && last != null) {
                out.println();
                out.flush();
                var u = last.getUsage();
                PrintWriter err = spec.commandLine().getErr();
                err.printf(
                        "[%s] %d prompt + %d generated tokens, first token %d ms, total %d ms%n",
                        last.getFinishReason(),
                        u.getPromptTokens(),
                        u.getGeneratedTokens(),
                        millis(u.getTimeToFirstToken()),
                        millis(u.getTotalTime()));
                err.flush();
            }
        }
        return ExitCodes.OK;
    }

    private static long millis(com.google.protobuf.Duration d) {
        return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
    }
}
