// The LLMA OS console: plain modules, no library, no network beyond this server. Live views read the
// server's watch streams as Server-Sent Events through fetch (so a bearer token can travel with them)
// and reconnect when the server goes away, saying so.

const $ = (id) => document.getElementById(id);
const state = { models: [], resources: [], stats: null, watches: new Map() };
window.llmaosWatches = state.watches; // which live views are connected (read by the browser tests)
window.llmaosWatchErrors = new Map(); // each live view's last failure

function token() {
  return sessionStorage.getItem("llmaos-token") || "";
}

function headers(extra = {}) {
  const h = { ...extra };
  if (token()) h["Authorization"] = "Bearer " + token();
  return h;
}

async function api(path, options = {}) {
  const r = await fetch(path, { ...options, headers: headers(options.headers || {}) });
  const text = await r.text();
  const body = text ? JSON.parse(text) : {};
  if (!r.ok) throw new Error(body.error || r.status + " " + r.statusText);
  return body;
}

function setStatus(ok, text) {
  const s = $("status");
  s.textContent = text;
  s.className = "status " + (ok ? "ok" : "down");
}

/** Reads a text/event-stream answer, one JSON object per event, until it ends or is aborted. */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of block.split("\n")) {
        if (line.startsWith("data: ")) onEvent(JSON.parse(line.slice(6)));
      }
    }
  }
}

/** Says "connected" while every watch stream is open, else that the server is gone and the page reconnects. */
function showWatches() {
  const live = [...state.watches.values()];
  if (live.every((up) => up)) {
    setStatus(true, "connected");
  } else if (live.some((up) => up)) {
    setStatus(false, "reconnecting…");
  } else {
    setStatus(false, "server unreachable, reconnecting…");
  }
}

/** Keeps a watch stream open, reconnecting with a growing pause when the server goes away. */
function watch(path, onEvent) {
  let pause = 500;
  state.watches.set(path, false);
  const open = async () => {
    try {
      // the server answers a watch at once: one not answered in 5 s is stuck (a connection the browser
      // kept to a server that went away), so it is dropped and tried again on a fresh one
      const controller = new AbortController();
      const stuck = setTimeout(() => controller.abort(), 5000);
      const r = await fetch(path, { headers: headers(), cache: "no-store", signal: controller.signal });
      clearTimeout(stuck);
      if (r.status === 401 || r.status === 403) {
        state.watches.set(path, false);
        setStatus(false, "needs a token (" + r.status + ")");
        return;
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      pause = 500;
      state.watches.set(path, true);
      showWatches();
      let refused = 0;
      await readEvents(r, (event) => {
        if (event.error !== undefined) {
          refused = event.status;
          window.llmaosWatchErrors.set(path, event.status + " " + event.error);
        } else {
          onEvent(event);
        }
      });
      if (refused === 401 || refused === 403) {
        state.watches.set(path, false);
        setStatus(false, "needs a token (" + refused + ")");
        return;
      }
    } catch (e) {
      // the server went away or restarts: say so below, and try again
      window.llmaosWatchErrors.set(path, String(e));
    }
    state.watches.set(path, false);
    showWatches();
    setTimeout(open, pause);
    pause = Math.min(pause * 2, 3000);
  };
  open();
}

const mib = (b) => (Number(b || 0) / 1048576).toFixed(1) + " MiB";
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

// ---- models

async function refreshModels() {
  try {
    const list = await api("/api/models");
    state.models = list.models || [];
  } catch (e) {
    $("model-message").textContent = e.message;
    return;
  }
  const rows = [];
  for (const m of state.models) {
    const versions = m.versions && m.versions.length ? m.versions : [{ version: "-", state: "UNAVAILABLE" }];
    for (const v of versions) {
      rows.push(`<tr data-model="${esc(m.name)}"><td>${esc(m.name)}</td><td>${esc(v.version)}</td>` +
        `<td class="${esc(v.state)}">${esc(v.state)}</td><td>${esc(m.engine)}</td><td>${esc(m.kind)}</td>` +
        `<td>${v.memoryBytes ? mib(v.memoryBytes) : "-"}</td><td>${esc(v.instances || 0)}</td>` +
        `<td>${esc(v.reason || m.configError || "")}</td>` +
        `<td><button class="load" data-model="${esc(m.name)}">Load</button> ` +
        `<button class="unload" data-model="${esc(m.name)}">Unload</button></td></tr>`);
    }
  }
  $("model-table").querySelector("tbody").innerHTML = rows.join("");
  fillModelSelects();
}

async function loadOrUnload(name, action) {
  $("model-message").textContent = action + "ing " + name + "…";
  try {
    await api(`/api/models/${encodeURIComponent(name)}/${action}`, { method: "POST" });
    $("model-message").textContent = "";
  } catch (e) {
    $("model-message").textContent = action + " " + name + ": " + e.message;
  }
  refreshModels();
}

function fillModelSelects() {
  const ready = state.models.filter((m) => (m.versions || []).some((v) => v.state === "READY"));
  const fill = (id, models) => {
    const select = $(id);
    const before = select.value;
    select.innerHTML = models.map((m) => `<option>${esc(m.name)}</option>`).join("");
    if (models.some((m) => m.name === before)) select.value = before;
  };
  fill("infer-model", ready.filter((m) => m.kind !== "GENERATIVE"));
  fill("gen-model", ready.filter((m) => m.kind === "GENERATIVE"));
  fill("policy-model", ready);
}

// ---- resources: the seed's three charts

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

function chart(svg, series, max, percent) {
  const w = 600, h = 220, left = 40, bottom = 20, top = 10;
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const x = (i) => left + (i * (w - left - 10)) / (n - 1);
  const y = (v) => h - bottom - (Math.min(v, max) / max) * (h - bottom - top);
  let out = `<line x1="${left}" y1="${h - bottom}" x2="${w}" y2="${h - bottom}" stroke="#999"/>` +
    `<text x="4" y="${top + 8}" font-size="10">${percent ? "100%" : max.toFixed(0)}</text>` +
    `<text x="4" y="${h - bottom}" font-size="10">0</text>`;
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    out += `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>` +
      `<text x="${w - 150}" y="${top + 12 + 13 * k}" font-size="11" fill="${color}">${esc(s.name)} ${
        s.values.length ? (percent ? (100 * s.values[s.values.length - 1]).toFixed(0) + "%" : s.values[s.values.length - 1].toFixed(0)) : ""}</text>`;
  });
  svg.innerHTML = out;
}

function onResources(r) {
  state.resources.push(r);
  if (state.resources.length > 120) state.resources.shift();
  const mem = r.memory || {}, cpu = r.cpu || {}, disk = r.disk || {};
  $("resource-figures").textContent =
    `CPU ${(100 * (cpu.processLoad || 0)).toFixed(0)}% of ${cpu.cores || "?"} cores · RSS ${mib(mem.processRssBytes)} · ` +
    `available ${mib(mem.availableBytes)} of ${mib(mem.totalBytes)} · heap ${mib(mem.jvmHeapUsedBytes)} · ` +
    `disk free ${mib(disk.freeBytes)} · GPUs ${(r.gpus || []).length || "none"} · connections ${(r.network || {}).openConnections || 0} · ` +
    `U ${(100 * (r.utilization || 0)).toFixed(0)}% · LB ${(r.loadBalance || 0).toFixed(2)}`;
  const h = state.resources;
  const share = (f) => h.map(f);
  chart($("chart-usage"), [
    { name: "CPU", values: share((s) => (s.cpu || {}).processLoad || 0) },
    { name: "memory", values: share((s) => { const m = s.memory || {}; return m.totalBytes ? 1 - m.availableBytes / m.totalBytes : 0; }) },
    { name: "disk", values: share((s) => { const d = s.disk || {}; return d.totalBytes ? 1 - d.freeBytes / d.totalBytes : 0; }) },
    { name: "U", values: share((s) => s.utilization || 0) },
  ], 1, true);
  const names = [...new Set(h.flatMap((s) => (s.models || []).map((m) => m.modelName)))];
  const perModel = (f) => names.map((n) => ({ name: n, values: h.map((s) => f((s.models || []).find((m) => m.modelName === n) || {})) }));
  const demand = perModel((m) => Number(m.demand || 0));
  chart($("chart-demand"), demand, Math.max(1, ...demand.flatMap((s) => s.values)), false);
  chart($("chart-allocation"), [...perModel((m) => m.allocationShare || 0), { name: "LB", values: share((s) => s.loadBalance || 0) }], 1, true);
}

// ---- scheduler

function latency(l) {
  return l && Number(l.count) ? `${(l.p50Us / 1000).toFixed(2)}/${(l.p99Us / 1000).toFixed(2)} ms` : "-";
}

function rejected(r) {
  return Object.entries(r || {}).filter(([, v]) => Number(v)).map(([k, v]) => `${k} ${v}`).join(", ") || "0";
}

function onStats(s) {
  state.stats = s;
  const rows = (s.models || []).map((m) => {
    const levels = (m.levels || []).map((l) => `${l.level}:${l.queueDepth || 0}`).join(" ");
    const inFlight = (m.levels || []).reduce((a, l) => a + (l.inFlight || 0), 0);
    const batches = (m.batchSizes || []).map((b) => `${b.batchSize}×${b.count}`).join(" ");
    const pool = m.instances ? `${m.instances.current || 0} (${m.instances.min || 0}–${m.instances.max || 0}), busy ${m.instances.busy || 0}` : "-";
    const tenants = (m.tenants || []).map((t) => `${t.tenant}: ${t.completed || 0}`).join(", ");
    const gen = m.generation ? ` · ${m.generation.activeSequences || 0} active, ${m.generation.waitingSequences || 0} waiting` : "";
    return `<tr><td>${esc(m.modelName)}/${esc(m.modelVersion)}</td><td>${esc(levels)}</td><td>${inFlight}${esc(gen)}</td>` +
      `<td>${esc(batches)}</td><td>${latency(m.queueTime)}</td><td>${latency(m.computeTime)}</td>` +
      `<td>${esc(rejected(m.rejections))}</td><td>${esc(pool)}</td><td>${esc(tenants)}</td>` +
      `<td>${(m.throughputPerSecond || 0).toFixed(1)}</td></tr>`;
  });
  $("stats-table").querySelector("tbody").innerHTML = rows.join("");
}

async function readPolicy() {
  try {
    const p = await api(`/api/models/${encodeURIComponent($("policy-model").value)}/policy`);
    $("policy-json").value = JSON.stringify(p, null, 2);
    $("policy-message").textContent = "";
  } catch (e) {
    $("policy-message").textContent = e.message;
  }
}

async function savePolicy() {
  try {
    const p = await api(`/api/models/${encodeURIComponent($("policy-model").value)}/policy`, {
      method: "PUT", headers: { "Content-Type": "application/json" }, body: $("policy-json").value });
    $("policy-json").value = JSON.stringify(p, null, 2);
    $("policy-message").textContent = "saved";
  } catch (e) {
    $("policy-message").textContent = e.message;
  }
}

// ---- playground

async function prepareInfer() {
  const name = $("infer-model").value;
  if (!name) return;
  try {
    const meta = await api(`/v2/models/${encodeURIComponent(name)}`);
    const inputs = meta.inputs.map((t) => {
      const shape = t.shape.map((d) => (d < 0 ? 1 : d));
      if (shape.length === 0 || t.shape[0] !== -1) shape.unshift(1);
      const n = shape.reduce((a, b) => a * b, 1);
      const data = t.datatype === "BYTES" ? Array(n).fill("A short sentence.") : Array(n).fill(t.datatype === "BOOL" ? false : 0.5);
      return { name: t.name, shape, datatype: t.datatype, data };
    });
    $("infer-json").value = JSON.stringify({ inputs }, null, 1);
  } catch (e) {
    $("infer-result").textContent = e.message;
  }
}

async function runInfer() {
  const name = $("infer-model").value;
  $("infer-result").textContent = "…";
  try {
    const t0 = performance.now();
    const r = await api(`/v2/models/${encodeURIComponent(name)}/infer`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: $("infer-json").value });
    $("infer-result").textContent = `${(performance.now() - t0).toFixed(1)} ms\n` + JSON.stringify(r, null, 1);
  } catch (e) {
    $("infer-result").textContent = e.message;
  }
}

let generation = null;

async function startGeneration() {
  const name = $("gen-model").value;
  const controller = new AbortController();
  generation = controller;
  $("gen-text").textContent = "";
  $("gen-start").disabled = true;
  $("gen-stop").disabled = false;
  const t0 = performance.now();
  let first = null, tokens = 0, ended = "stopped";
  const show = () => {
    const now = performance.now();
    $("gen-figures").textContent = `TTFT ${first === null ? "-" : (first - t0).toFixed(0) + " ms"} · ` +
      `${tokens} tokens · ${first === null || now === first ? "-" : ((1000 * tokens) / (now - t0)).toFixed(1)} tokens/s`;
  };
  try {
    const r = await fetch(`/v2/models/${encodeURIComponent(name)}/generate_stream`, {
      method: "POST", signal: controller.signal, headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ text_input: $("gen-prompt").value, max_tokens: Number($("gen-max").value),
        parameters: { ignore_eos: $("gen-ignore-eos").checked } }) });
    if (!r.ok) throw new Error((await r.json()).error || r.status);
    await readEvents(r, (e) => {
      if (e.error) throw new Error(e.error);
      if (first === null) first = performance.now();
      $("gen-text").textContent += e.text_output || "";
      tokens = e.usage ? Number(e.usage.generated_tokens) : tokens + 1;
      show();
    });
    ended = "done";
  } catch (e) {
    ended = controller.signal.aborted ? "stopped" : "failed: " + e.message;
  }
  show();
  $("gen-figures").textContent += " · " + ended;
  $("gen-start").disabled = false;
  $("gen-stop").disabled = true;
  generation = null;
}

// ---- wiring

function tabs() {
  document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll("nav button").forEach((x) => x.classList.toggle("active", x === b));
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === b.dataset.tab));
  }));
}

async function main() {
  tabs();
  $("token").value = token();
  $("token").addEventListener("change", () => { sessionStorage.setItem("llmaos-token", $("token").value); location.reload(); });
  $("model-table").addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (b) loadOrUnload(b.dataset.model, b.classList.contains("load") ? "load" : "unload");
  });
  $("policy-load").addEventListener("click", readPolicy);
  $("policy-save").addEventListener("click", savePolicy);
  $("infer-model").addEventListener("change", prepareInfer);
  $("infer-run").addEventListener("click", runInfer);
  $("gen-start").addEventListener("click", startGeneration);
  $("gen-stop").addEventListener("click", () => generation && generation.abort());
  try {
    const s = await api("/v2");
    $("server").textContent = `${s.name} ${s.version}`;
  } catch (e) {
    $("server").textContent = e.message;
  }
  await refreshModels();
  prepareInfer();
  watch("/api/watch/models", () => refreshModels());
  watch("/api/watch/resources", onResources);
  watch("/api/watch/stats", onStats);
}

main();
