package io.llmaos.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite's reports from its combined JSON, and the choice of scenarios. */
class BenchmarkReportTest {
    private static final String ALL =
            "{\"date\": \"2026-12-06T21:00:00Z\", \"command\": \"loadtest/bin/benchmark-all\","
                    + " \"machine\": {\"cores\": 2, \"cpu\": \"Some CPU\", \"memory_kib\": 25165824, \"os\": \"Linux\", \"java\": \"17\"},"
                    + " \"scenarios\": {\"generate\": {\"goals\": {\"streams16_vs_one\": {\"value\": 7.1, \"goal\": \">= 6\", \"met\": true},"
                    + " \"ttft\": {\"value\": 900, \"goal\": \"<= 500\", \"met\": false}, \"aside_us\": 548},"
                    + " \"served\": {\"streams_1\": {\"tokens_per_s\": 812.5, \"ttft_p99_us\": [1, 2, 3]}}, \"model\": \"gpt-kjv\"},"
                    + " \"shm\": {\"error\": \"exit code 1; see shm.log\"}}}";

    @Test
    void theMarkdownHoldsMachineGoalsAndFigures() throws Exception {
        JsonNode all = new ObjectMapper().readTree(ALL);
        String md = BenchmarkReport.markdown(all, BenchmarkAll.SCENARIOS);
        assertTrue(md.contains("2 cores (Some CPU), 24 GiB"), md);
        assertTrue(md.contains("`loadtest/bin/benchmark-all`"), md);
        assertTrue(md.contains("| generate | streams16_vs_one | 7.1 | >= 6 | yes |"), md);
        assertTrue(md.contains("| generate | ttft | 900 | <= 500 | no |"), md);
        assertTrue(
                md.contains("| generate | aside_us | 548 |  | - |"), "a figure among the goals has no verdict: " + md);
        assertTrue(md.contains("| `served/streams_1/tokens_per_s` | 812.5 |"), md);
        assertTrue(md.contains("| `served/streams_1/ttft_p99_us` | [1,2,3] |"), md);
        assertTrue(!md.contains("`goals/"), "goals are listed once, in their table");
        assertTrue(md.contains("Failed: exit code 1; see shm.log"), md);
        String html = BenchmarkReport.html(all, BenchmarkAll.SCENARIOS);
        assertTrue(html.contains("<td class=\"missed\">no</td>") && html.contains("<td class=\"met\">yes</td>"));
        assertTrue(!html.contains("<script") && !html.contains("src=\"http"));
    }

    @Test
    void aPlainRunTakesTheDefaultScenariosAndAnUnknownOneIsNamed() {
        List<String> plain = BenchmarkAll.choose(List.of()).stream()
                .map(BenchmarkAll.Scenario::name)
                .toList();
        assertTrue(plain.containsAll(List.of("inference", "generate", "telemetry-cost")), plain.toString());
        assertTrue(!plain.contains("soak"), "the soak runs only when asked");
        assertEquals("generate", BenchmarkAll.choose(List.of("generate")).get(0).name());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BenchmarkAll.choose(List.of("nope")));
        assertTrue(e.getMessage().contains("inference"), e.getMessage());
    }
}
