// Drives the web console of a running LLMA OS in headless Chromium: the four demo models, an unload
// and a load, the live resource charts, the scheduler view and a policy read, the playground's
// tensor run, and a streamed generation stopped by its Stop button. Screenshots go to the folder given.
// Usage: node console.test.mjs BASE_URL SCREENSHOT_DIR [CHROMIUM]
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const [base, shots, executable = "/usr/bin/chromium"] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: executable,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log((ok ? "ok   " : "FAIL ") + what); };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (e) => failures.push("page error: " + e.message));
  await page.goto(base + "/");
  await page.waitForFunction(() => document.getElementById("status").textContent === "connected", null, { timeout: 20000 });
  check((await page.textContent("#server")).includes("llmaos"), "the header names the server");

  // models: all four, then an unload and a load watched live
  const models = ["mlp-classifier", "tf-dense", "all-MiniLM-L6-v2", "gpt-kjv"];
  await page.waitForFunction((names) => names.every((n) => document.querySelector(`#model-table tr[data-model="${n}"]`)), models, { timeout: 20000 });
  check(true, "the four demo models are listed");
  const state = (name) => page.textContent(`#model-table tr[data-model="${name}"] td:nth-child(3)`);
  await page.click('#model-table button.unload[data-model="tf-dense"]');
  await page.waitForFunction(() => !/READY/.test(document.querySelector('#model-table tr[data-model="tf-dense"] td:nth-child(3)').textContent), null, { timeout: 20000 });
  check(!(await state("tf-dense")).includes("READY"), "tf-dense unloaded: " + (await state("tf-dense")));
  await page.click('#model-table button.load[data-model="tf-dense"]');
  await page.waitForFunction(() => /READY/.test(document.querySelector('#model-table tr[data-model="tf-dense"] td:nth-child(3)').textContent), null, { timeout: 30000 });
  check((await state("tf-dense")).includes("READY"), "tf-dense loaded again");
  await page.screenshot({ path: `${shots}/console-models.png`, fullPage: true });

  // resources: the charts fill from the watch stream
  await page.click('nav button[data-tab="resources"]');
  await page.waitForFunction(() => document.querySelectorAll("#chart-usage polyline").length >= 4
    && document.querySelector("#chart-usage polyline").getAttribute("points").split(" ").length >= 3, null, { timeout: 20000 });
  check((await page.textContent("#resource-figures")).includes("U "), "resource figures shown");
  check(await page.$$eval("#chart-allocation polyline", (p) => p.length) >= 2, "allocation per model and LB drawn");
  await page.screenshot({ path: `${shots}/console-resources.png`, fullPage: true });

  // scheduler: live statistics and a policy read
  await page.click('nav button[data-tab="scheduler"]');
  await page.waitForFunction(() => document.querySelectorAll("#stats-table tbody tr").length >= 1, null, { timeout: 20000 });
  check(true, "scheduler statistics listed");
  await page.selectOption("#policy-model", "mlp-classifier");
  await page.click("#policy-load");
  await page.waitForFunction(() => document.getElementById("policy-json").value.includes("mlp-classifier"), null, { timeout: 10000 });
  check(true, "the policy of mlp-classifier read");

  // playground: a tensor run, then a generation stopped midway
  await page.click('nav button[data-tab="playground"]');
  await page.selectOption("#infer-model", "mlp-classifier");
  await page.waitForFunction(() => document.getElementById("infer-json").value.includes("features"), null, { timeout: 10000 });
  await page.click("#infer-run");
  await page.waitForFunction(() => document.getElementById("infer-result").textContent.includes("outputs"), null, { timeout: 10000 });
  check((await page.textContent("#infer-result")).includes("scores"), "the MLP answered in the playground");
  await page.selectOption("#gen-model", "gpt-kjv");
  await page.fill("#gen-max", "400");
  await page.check("#gen-ignore-eos");
  await page.click("#gen-start");
  await page.waitForFunction(() => document.getElementById("gen-text").textContent.length > 40, null, { timeout: 20000 });
  await page.click("#gen-stop");
  await page.waitForFunction(() => document.getElementById("gen-figures").textContent.includes("stopped"), null, { timeout: 10000 });
  const figures = await page.textContent("#gen-figures");
  check(/TTFT \d+ ms/.test(figures) && /tokens\/s/.test(figures), "TTFT and tokens/s shown: " + figures);
  const tokens = Number((figures.match(/(\d+) tokens ·/) || [0, 99999])[1]);
  check(tokens < 400, "the Stop button ended the generation early: " + tokens + " tokens");
  await page.screenshot({ path: `${shots}/console-playground.png`, fullPage: true });

  // the server restarts: the page says so, and reconnects by itself
  console.log("STOP_SERVER");
  await page.waitForFunction(() => /unreachable/.test(document.getElementById("status").textContent), null, { timeout: 30000 });
  check(true, "the page says the server is unreachable");
  await page.screenshot({ path: `${shots}/console-server-down.png` });
  console.log("START_SERVER");
  try {
    await page.waitForFunction(() => document.getElementById("status").textContent === "connected", null, { timeout: 60000 });
    check(true, "the page reconnected to the restarted server");
  } catch (e) {
    const watches = await page.evaluate(() => JSON.stringify([...window.llmaosWatches]) + " " + JSON.stringify([...window.llmaosWatchErrors]));
    check(false, "the page reconnected to the restarted server (it says: " + (await page.textContent("#status")) + "; " + watches + ")");
  }
} catch (e) {
  failures.push(String(e));
} finally {
  await browser.close();
}
if (failures.length) {
  console.log("FAILED:\n" + failures.join("\n"));
  process.exit(1);
}
console.log("all console checks passed");
