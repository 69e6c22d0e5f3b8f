// Which files does a Pagefind search load before its first results show?
// Runs the site's own pagefind.js in Node with fetch() answered from disk and
// recorded, searches once, and loads the data of the first results the way
// the Default UI does (its page size is 5). Prints JSON.
//
//   node benchmarks/pagefind_probe.mjs SITE/pagefind 民政局 5
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const [bundle, query, shownArg] = process.argv.slice(2);
const shown = Number(shownArg || 5);
const loaded = [];

globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url ?? String(input));
  url.search = "";
  const path = fileURLToPath(url);
  loaded.push(path);
  return new Response(await readFile(path), { status: 200 });
};

const pagefind = await import(pathToFileURL(`${bundle}/pagefind.js`).href);
await pagefind.options({ basePath: pathToFileURL(`${bundle}/`).href });
await pagefind.init();
const search = await pagefind.search(query);
const results = await Promise.all(search.results.slice(0, shown).map((result) => result.data()));
console.log(JSON.stringify({ results: search.results.length, shown: results.length, loaded }));
