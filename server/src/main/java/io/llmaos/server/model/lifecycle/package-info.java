/**
 * The lifecycle of every model version: UNAVAILABLE, LOADING, READY, UNLOADING, FAILED. Loads run
 * on a bounded background pool, operations on one model are serialised, a version becomes READY
 * only after warmup, a reload swaps the new copy in only once it is READY, and an unload waits for
 * in-flight work before freeing the engine's memory. Also polls the repository for changes.
 */
package io.llmaos.server.model.lifecycle;
