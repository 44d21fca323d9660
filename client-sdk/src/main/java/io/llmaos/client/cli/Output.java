package io.llmaos.client.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Tables for people and JSON for scripts. */
final class Output {
    private Output() {}

    /** A message as JSON (proto3 JSON mapping), on one line per message. */
    static String json(MessageOrBuilder message) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows under a header, columns padded to their widest cell. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] width = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size() && i < width.length; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (width[i] + 2) + "s", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String pct(double share) {
        return String.format(java.util.Locale.ROOT, "%.0f%%", share * 100);
    }
}
