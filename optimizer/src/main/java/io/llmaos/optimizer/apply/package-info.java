/** Writing the best configuration as a model's config.json, atomically, keeping the old one. */
package io.llmaos.optimizer.apply;
