// Prints static/search.js's normalize() and parseQuery() of each string.
// Usage: node normalize.js SEARCH_JS STRINGS_JSON  ->  [{"normalized", "terms"}, ...]
"use strict";
const fs = require("fs");
const path = require("path");

const [searchJs, stringsPath] = process.argv.slice(2);
const core = require(path.resolve(searchJs));
const strings = JSON.parse(fs.readFileSync(stringsPath, "utf8"));
process.stdout.write(JSON.stringify(strings.map((text) => ({
  normalized: core.normalize(text),
  terms: core.parseQuery(text),
}))));
