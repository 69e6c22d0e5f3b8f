// The CPU cost of static/search.js's core alone, in Node: what a query costs once its shards are loaded.
// The browser measurements (district_search.py) include the page, the network and, on a shared machine,
// the other work's load; this separates the search itself. For each query: its shards loaded, then
// searched 7 times from cold (its fields and decoded postings forgotten, a garbage collection before),
// the minimum and the median printed. Without --expose-gc the collections are left out.
//
//   node --expose-gc benchmarks/search_core_time.js SITE/search '[["低保", {}], ["工作", {"t": "town", "l": "shouhui"}]]'
//
// Filters by URL parameter: t town, l list type, c category, d department.
"use strict";
const path = require("path");
const core = require(path.join(__dirname, "..", "static", "search.js"));
const sharding = require(path.join(__dirname, "..", "static", "search-shards.js"))(core);
const { readIndex } = require(path.join(__dirname, "..", "tests", "js", "site_files.js"));

const RUNS = 7;
const [folder, casesJson] = process.argv.slice(2);
const site = readIndex(folder);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const collect = () => { if (global.gc) global.gc(); };

let start = now();
const index = core.prepareIndex(site.payload, sharding);
console.log(`prepare the index: ${(now() - start).toFixed(1)} ms, ${index.byIndex.length} matters`);
for (const [query, filters] of JSON.parse(casesJson)) {
  core.partsFor(index, query, filters).forEach((name) => sharding.addPart(index, name, site.part(name)));
  const times = [];
  let hits = 0;
  for (let run = 0; run < RUNS; run++) {
    index.fields = {};
    index.postings = {};
    collect();
    start = now();
    hits = core.search(index, query, filters).hits.length;
    times.push(now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${query} ${JSON.stringify(filters)}: ${hits} results, min ${times[0].toFixed(1)} ms, ` +
    `median ${times[RUNS >> 1].toFixed(1)} ms`);
}
