package io.llmaos.server.api;

import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.LogControl;
import io.llmaos.server.core.runtime.ServerStatus;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.scheduler.Dispatcher;

/** What the Open Inference Protocol service answers from. */
record OipServices(
        ServerStatus status,
        BuildInfo buildInfo,
        LifecycleController models,
        Dispatcher scheduler,
        Clock clock,
        SharedMemoryRegions regions,
        LogControl logs,
        RequestEnds access) {}
