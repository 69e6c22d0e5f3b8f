// Reads a search index as the browser gets it: a payload JSON file, or a
// built site's search/ folder whose .js files are run in a sandbox with a
// bare `window` (search-index.js sets window.SEARCH_INDEX, each shard or text
// file window.SEARCH_PARTS[name]). Part files are run once and kept.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

/** The data a search .js file leaves on `window`. */
function runScript(file) {
  const window = {};
  vm.runInNewContext(fs.readFileSync(file, "utf8"), { window }, { filename: file });
  return window;
}

/** {payload, part(name)} of INDEX (see above); part() throws for a file that does not exist. */
function readIndex(indexPath) {
  if (!fs.statSync(indexPath).isDirectory()) {
    return { payload: JSON.parse(fs.readFileSync(indexPath, "utf8")), part: (name) => { throw new Error(name); } };
  }
  const cache = new Map();
  return {
    payload: runScript(path.join(indexPath, "search-index.js")).SEARCH_INDEX,
    part(name) {
      if (!cache.has(name)) {
        const parts = runScript(path.join(indexPath, name + ".js")).SEARCH_PARTS || {};
        if (!(name in parts)) throw new Error(name + ".js does not set SEARCH_PARTS[" + JSON.stringify(name) + "]");
        cache.set(name, parts[name]);
      }
      return cache.get(name);
    },
  };
}

module.exports = { readIndex, runScript };
