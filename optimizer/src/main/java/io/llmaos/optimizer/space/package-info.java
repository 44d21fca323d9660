/** The search space: the knobs a search varies, their values, and how a point becomes a model config. */
package io.llmaos.optimizer.space;
