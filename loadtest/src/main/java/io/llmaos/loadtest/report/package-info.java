/**
 * A load test's reports: {@code report.json} (the whole result), {@code report.csv} (perf_analyzer's
 * columns where they apply) and {@code report.html} (self-contained, plots drawn as inline SVG).
 */
package io.llmaos.loadtest.report;
