// Drives static/search.js's page part on the search page's DOM (the contract
// in templates/search.html), using the fake DOM of fake_dom.js.
// Usage: node page.js SEARCH_JS INDEX SCENARIO_JSON
// INDEX: a payload JSON file, or a site's search/ folder (see site_files.js);
// the <script> elements the page adds to load index parts run that folder's
// files in the page's context, as a browser would.
// SCENARIO_JSON: {"url": "http://site/search/?q=…", "steps": [{"do": …}, …]}
// Steps: type/compose/compositionend (with "value"), flush, blur, submit,
// select (with "id" and "value"), back, more (the 更多结果 button), settle,
// deliver (the scripts asked for arrive before the next frame: no timers run).
// After each step the scripts the page asked for are loaded and run (unless
// the step says "settle": false; "settle" then does it). Prints one snapshot
// after loading and one after each step (with "kept": the step did not
// redraw the results).
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { FakeDocument, FakeWindow, FakeElement, FakeInput, FakeSelect, serialize, elements } = require("./fake_dom");
const { readIndex } = require("./site_files");

const [searchJs, indexPath, scenarioPath] = process.argv.slice(2);
const payload = readIndex(indexPath).payload;
const scenario = JSON.parse(fs.readFileSync(scenarioPath, "utf8"));

const document = new FakeDocument();
const form = document.register("search-form", new FakeElement(document, "form"));
const input = document.register("search-q", new FakeInput(document));
const category = document.register("search-category",
  new FakeSelect(document, ["", ...payload.categories.map((c) => c.slug)]));
const department = document.register("search-department",
  new FakeSelect(document, ["", ...payload.departments.map((d) => d.slug)]));
const status = document.register("search-status", new FakeElement(document, "p"));
const results = document.register("search-results", new FakeElement(document, "ol"));
results.setAttribute("data-root", "../");
const more = document.register("search-more", new FakeElement(document, "button"));
more.hidden = true;
[input, category, department].forEach((field) => form.appendChild(field));

const window = new FakeWindow(document, scenario.url);
window.SEARCH_INDEX = payload;
const context = vm.createContext({ window, document, URLSearchParams, URL });

// <script> elements the page adds: run when settled, as the network would deliver them.
const SCRIPT_PREFIX = "../search/";
const pendingScripts = [];
const loadedScripts = [];
const appendToHead = document.head.appendChild.bind(document.head);
document.head.appendChild = (node) => {
  if (node.tagName === "SCRIPT") pendingScripts.push(node);
  return appendToHead(node);
};

// search.js's own files (search-shards.js): beside it.
const STATIC_PREFIX = "../static/";

function scriptFile(src) {
  if (src.startsWith(SCRIPT_PREFIX)) return path.join(indexPath, src.slice(SCRIPT_PREFIX.length));
  if (src.startsWith(STATIC_PREFIX)) return path.join(path.dirname(searchJs), src.slice(STATIC_PREFIX.length));
  return "";
}

function runScript(script) {
  const src = script.src || script.getAttribute("src") || "";
  const file = scriptFile(src);
  loadedScripts.push(src);
  if (file && fs.existsSync(file)) {
    vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
    script.onload();
  } else {
    script.onerror();
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Run every script asked for, and what their loading starts, but no timer (no frame comes in between). */
async function deliver() {
  while (pendingScripts.length) {
    await nextTurn();
    runScript(pendingScripts.shift());
    await nextTurn();
  }
}

/** Run zero-delay timers and deliver every script asked for, until the page asks for no more. */
async function settle() {
  await nextTurn();
  while (window.runSoonTimers() || pendingScripts.length) {
    await nextTurn();
    if (pendingScripts.length) runScript(pendingScripts.shift());
    await nextTurn();
  }
}

vm.runInContext(fs.readFileSync(searchJs, "utf8"), context, { filename: searchJs });

function snapshot(extra) {
  const items = results.childNodes;
  return Object.assign({
    q: input.value,
    c: category.value,
    d: department.value,
    search: window.location.search,
    entries: window.entries.length,
    position: window.position,
    pushes: window.pushes,
    replaces: window.replaces,
    title: document.title,
    status: status.textContent,
    statusHtml: serialize(status),
    count: items.length,
    links: items.map((item) => elements(item).find((node) => node.tagName === "A").getAttribute("href")),
    firstItem: items.length ? serialize(items[0]) : "",
    tags: [...new Set(elements(results).concat(elements(status)).map((node) => node.tagName.toLowerCase()))].sort(),
    pendingTimers: window.timers.size,
    busy: results.getAttribute("aria-busy") === "true",
    more: more.hidden ? null : more.textContent,
    snippets: elements(results).filter((node) => node.className === "result-snippet").length,
    scripts: loadedScripts.length,
    headChildren: document.head.childNodes.length,
  }, extra || {});
}

const STEPS = {
  type(step) {
    input.value = step.value;
    input.dispatch("input", { isComposing: false });
  },
  compose(step) {
    input.value = step.value;
    input.dispatch("input", { isComposing: true });
  },
  compositionend(step) {
    input.value = step.value;
    input.dispatch("compositionend");
  },
  flush() {
    window.flushTimers();
  },
  blur() {
    input.dispatch("blur");
  },
  submit() {
    return { prevented: form.dispatch("submit").defaultPrevented };
  },
  select(step) {
    const select = document.getElementById(step.id);
    select.value = step.value;
    select.dispatch("change");
  },
  back() {
    window.back();
  },
  more() {
    more.dispatch("click");
  },
  settle() {},
  deliver() {
    return deliver();
  },
};

async function main() {
  await settle();
  const snapshots = [snapshot()];
  for (const step of scenario.steps) {
    const firstBefore = results.childNodes[0];
    const extra = (await STEPS[step.do](step)) || {};
    if (step.settle !== false) await settle();
    // Whether the step left the drawn results alone (same nodes, not redrawn).
    extra.kept = firstBefore !== undefined && results.childNodes[0] === firstBefore;
    snapshots.push(snapshot(extra));
  }
  process.stdout.write(JSON.stringify(snapshots));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
