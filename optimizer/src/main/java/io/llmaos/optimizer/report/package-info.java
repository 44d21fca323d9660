/** The search's reports: the trial table, the Pareto front, Markdown, HTML with plots, JSON. */
package io.llmaos.optimizer.report;
