// Runs static/search.js's core on an index for a list of queries (with static/search-shards.js beside it
// for a sharded index).
// Usage: node run_queries.js SEARCH_JS INDEX QUERIES_JSON
// INDEX: a payload JSON file (single-file index), or a site's search/ folder,
//   whose search-index.js and part files are run as a browser would run them
//   (a sharded index's parts are loaded as the query needs them).
// QUERIES_JSON: [{"q": "...", "c": "slug", "d": "slug", "t": "town", "l": "type"}, ...] (t, l: a district's)
// Prints, for each query in order: {"terms", "ids", "keys", "scores", "title", "snippet",
// "shards", "text"} ("title": highlight ranges in the first hit's title;
// "snippet": its snippet; "shards": the shard files the query loaded before
// its results were known; "keys": "town/type/id" of each hit in a district's index
// (its id elsewhere); "text": the text files loaded for the snippets of
// the first page, both as if nothing had been loaded before).
"use strict";
const fs = require("fs");
const path = require("path");
const { readIndex } = require("./site_files");

const [searchJs, indexPath, queriesPath] = process.argv.slice(2);
const core = require(path.resolve(searchJs));
const sharding = require(path.join(path.dirname(path.resolve(searchJs)), "search-shards.js"))(core);
const site = readIndex(indexPath);
const queries = JSON.parse(fs.readFileSync(queriesPath, "utf8"));

// One index that keeps what it loaded (preparing one per query would be slow), and
// one that never loads anything: it tells what each query alone would load.
const index = core.prepareIndex(site.payload, sharding);
const empty = core.prepareIndex(site.payload, sharding);

function load(names) {
  names.forEach((name) => {
    if (!(name in index.parts)) sharding.addPart(index, name, site.part(name));
  });
  return names;
}

const answers = queries.map((query) => {
  const filters = { c: query.c || "", d: query.d || "", t: query.t || "", l: query.l || "" };
  const shards = load(core.partsFor(empty, query.q || "", filters));
  if (core.partsFor(index, query.q || "", filters).length) throw new Error("shards still missing for " + query.q);
  const result = core.search(index, query.q || "", filters);
  const page = result.hits.slice(0, index.sharded ? core.PAGE_SIZE : undefined);
  const text = load(sharding.textPartsFor(empty, page.map((hit) => empty.byIndex[hit.matter.at])));
  const first = result.hits[0];
  return {
    terms: result.terms,
    ids: result.hits.map((hit) => hit.matter.id),
    keys: result.hits.map(({ matter }) => (matter.list ? `${matter.list.town.slug}/${matter.list.type.slug}/` : "") + matter.id),
    scores: result.hits.map((hit) => hit.score),
    title: first ? core.highlightRanges(first.matter.title, result.terms) : null,
    snippet: first ? core.snippet(first.matter, result.terms) : null,
    shards,
    text,
  };
});
process.stdout.write(JSON.stringify(answers));
