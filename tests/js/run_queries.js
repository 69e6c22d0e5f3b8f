// Runs static/search.js's core on a payload for a list of queries.
// Usage: node run_queries.js SEARCH_JS PAYLOAD_JSON QUERIES_JSON
// QUERIES_JSON: [{"q": "...", "c": "slug", "d": "slug"}, ...]
// Prints, for each query in order: {"terms", "ids", "scores", "title", "snippet"}
// ("title": highlight ranges in the first hit's title; "snippet": its snippet).
"use strict";
const fs = require("fs");
const path = require("path");

const [searchJs, payloadPath, queriesPath] = process.argv.slice(2);
const core = require(path.resolve(searchJs));
const index = core.prepareIndex(JSON.parse(fs.readFileSync(payloadPath, "utf8")));
const queries = JSON.parse(fs.readFileSync(queriesPath, "utf8"));

const answers = queries.map((query) => {
  const result = core.search(index, query.q || "", { category: query.c || "", department: query.d || "" });
  const first = result.hits[0];
  return {
    terms: result.terms,
    ids: result.hits.map((hit) => hit.matter.id),
    scores: result.hits.map((hit) => hit.score),
    title: first ? core.highlightRanges(first.matter.title, result.terms) : null,
    snippet: first ? core.snippet(first.matter, result.terms) : null,
  };
});
process.stdout.write(JSON.stringify(answers));
