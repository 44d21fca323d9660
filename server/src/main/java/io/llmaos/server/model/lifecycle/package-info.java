/**
 * The lifecycle of every model version: UNAVAILABLE, LOADING, READY, UNLOADING, FAILED. The {@link
 * io.llmaos.server.model.lifecycle.ModelRegistry} holds what is loaded and answers resolution and
 * readiness from memory, without touching the disk or waiting. The {@link
 * io.llmaos.server.model.lifecycle.LifecycleController} changes it: loads run on a bounded
 * background pool, operations on one model are serialised, one budget reservation (engine threads
 * and instances, model memory) is taken before a load makes anything and given back on every
 * failure path, a version becomes READY only after warmup, a reload swaps the new copy in only once
 * it is READY, an unload waits for in-flight work before freeing the engine's memory, and
 * load-on-demand answers with a future. The {@link io.llmaos.server.model.lifecycle.RepositoryPoller}
 * drives it in poll mode.
 */
package io.llmaos.server.model.lifecycle;
