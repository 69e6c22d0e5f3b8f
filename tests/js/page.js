// Drives static/search.js's page part on the search page's DOM (the contract
// in templates/search.html), using the fake DOM of fake_dom.js.
// Usage: node page.js SEARCH_JS PAYLOAD_JSON SCENARIO_JSON
// SCENARIO_JSON: {"url": "http://site/search/?q=…", "steps": [{"do": …}, …]}
// Steps: type/compose/compositionend (with "value"), flush, blur, submit,
// select (with "id" and "value"), back. Prints one snapshot after loading and
// one after each step (with "kept": the step did not redraw the results).
"use strict";
const fs = require("fs");
const vm = require("vm");
const { FakeDocument, FakeWindow, FakeElement, FakeInput, FakeSelect, serialize, elements } = require("./fake_dom");

const [searchJs, payloadPath, scenarioPath] = process.argv.slice(2);
const payload = JSON.parse(fs.readFileSync(payloadPath, "utf8"));
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
[input, category, department].forEach((field) => form.appendChild(field));

const window = new FakeWindow(document, scenario.url);
window.SEARCH_INDEX = payload;
const context = vm.createContext({ window, document, URLSearchParams, URL });
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
};

const snapshots = [snapshot()];
scenario.steps.forEach((step) => {
  const firstBefore = results.childNodes[0];
  const extra = STEPS[step.do](step) || {};
  // Whether the step left the drawn results alone (same nodes, not redrawn).
  extra.kept = firstBefore !== undefined && results.childNodes[0] === firstBefore;
  snapshots.push(snapshot(extra));
});
process.stdout.write(JSON.stringify(snapshots));
