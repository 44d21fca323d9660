package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code llmaos health}: SERVING (exit 0) or NOT_SERVING (exit 5). */
@Command(name = "health", description = "Whether the server is serving")
final class HealthCommand extends ClientCommand {
    @Override
    int run(LlmaosClient client, PrintWriter out) {
        boolean serving = client.isServing();
        out.println(
                json()
                        ? "{\"status\":\"" + (serving ? "SERVING" : "NOT_SERVING") + "\"}"
                        : serving ? "SERVING" : "NOT_SERVING");
        out.flush();
        return serving ? ExitCodes.OK : 5;
    }
}
