/** One trial: the server it runs against, applying a configuration, measuring it, and judging it. */
package io.llmaos.optimizer.trial;
