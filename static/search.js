//# allFunctionsCalledOnLoad
/* Search of the 履职事项清单: docs/search.md (and why line 1). Readers download this file: few comments. */
(function () {
  "use strict";

  var FULL_TEXT_MIN = 2; // shorter terms only search titles and departments
  var SNIPPET_LENGTH = 60; // characters of context shown under a result
  var SNIPPET_LEAD = 20; // of which before the first match
  var DEBOUNCE_MS = 100;
  // A character with its combining marks (not ideographs without marks: they fold to themselves).
  var PIECE = /[^\u3400-\u4dbf\u4e00-\u9fff]\p{M}*|[\u3400-\u4dbf\u4e00-\u9fff]\p{M}+/gu;
  var MARK = /^\p{M}/u;
  // What Python's str.split() splits on.
  var SPACES = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var FIELD_SEPARATOR = "\n";
  var INDEX_PAGE = "index.html";
  var SHARDED = 2; // payload format of a sharded index (3: a district's)
  var PAGE_SIZE = 20; // results drawn at a time from a sharded index
  var FIRST_SCREEN = 5; // of which drawn before their first frame, the rest after it
  var PARTS = "SEARCH_PARTS"; // where a loaded part file leaves its data
  var SHARDING = "SEARCH_SHARDING"; // where search-shards.js leaves its functions

  // ---- Core (no DOM) ----

  var folds = new Map(); // piece -> folded

  /** Fold one piece: full-width to half-width, compatibility forms, lower case. */
  function foldPiece(piece) {
    var folded = folds.get(piece);
    if (folded === undefined) folds.set(piece, folded = piece.normalize("NFKC").toLowerCase());
    return folded;
  }

  /** The folded text, as matched against folded query terms. */
  function normalize(text) {
    return String(text).replace(PIECE, foldPiece);
  }

  /** The folded text and, per UTF-16 unit, the original range it came from. */
  function foldWithMap(text) {
    var folded = "";
    var from = [];
    var to = [];
    var at = 0;
    PIECE.lastIndex = 0;
    while (at < text.length) {
      var match = PIECE.exec(text);
      var end = match ? match.index : text.length;
      folded += text.slice(at, end); // ideographs fold to themselves
      for (; at < end; at++) {
        from.push(at);
        to.push(at + 1);
      }
      if (!match) break;
      var piece = foldPiece(match[0]);
      for (var k = 0; k < piece.length; k++) {
        from.push(match.index);
        to.push(match.index + match[0].length);
      }
      folded += piece;
      at = PIECE.lastIndex;
    }
    return { text: folded, from: from, to: to };
  }

  /** The distinct folded terms of a query. */
  function parseQuery(query) {
    var terms = normalize(query || "").split(SPACES).filter(Boolean);
    return terms.filter(function (term, index) { return terms.indexOf(term) === index; });
  }

  /** Whether a term is looked for in the full text too. */
  function isFullText(term) {
    return Array.from(term).length >= FULL_TEXT_MIN;
  }

  /** The searchable form of a payload (format 1: every text, else a manifest and search-shards.js's `sharding`). */
  function prepareIndex(payload, sharding) {
    var categories = payload.categories;
    var district = payload.format === SHARDED + 1;
    var departments = payload.departments.map(function (department) {
      var spellings = [department.name].concat(department.aliases || []);
      return { slug: department.slug, name: department.name, folded: normalize(spellings.join(FIELD_SEPARATOR)),
        ats: [] };
    });
    var sharded = payload.format >= SHARDED;
    var source = sharded ? sharding.matters(payload) : payload.matters;
    var byIndex = source.map(function (matter, at) {
      return prepareMatter(matter, at, categories, departments);
    });
    var matters = district ? byIndex.slice() : byIndex.slice().sort(function (a, b) { return a.number - b.number; });
    matters.forEach(function (matter, order) { matter.order = order; });
    var titles = ""; // owners[k]: title k's matters (a district's titles are by kind)
    var titleStarts = [];
    var owners = [];
    byIndex.forEach(function (matter) {
      var k = district ? source[matter.at].kind : matter.at;
      if (!owners[k]) {
        owners[k] = [];
        titleStarts[k] = titles.length;
        titles += matter.folded.title + FIELD_SEPARATOR;
      }
      owners[k].push(matter.at);
    });
    titleStarts.push(titles.length);
    var textStarts = [0];
    (payload.text || []).forEach(function (count, k) { textStarts.push(textStarts[k] + count); });
    return { categories: categories, departments: departments, matters: matters, byIndex: byIndex, titles: titles,
      titleStarts: titleStarts, owners: owners, sharded: sharded, sharding: sharding, shards: payload.shards,
      textStarts: textStarts, parts: {}, postings: {}, fields: {} };
  }

  function prepareMatter(matter, at, categories, departments) {
    var own = matter.departments.map(function (index) { return departments[index]; });
    own.forEach(function (department) { department.ats.push(at); });
    return {
      id: matter.id,
      number: matter.number,
      title: matter.title,
      category: categories[matter.category], // none: a type without them
      departments: own,
      list: matter.list,
      body: matter.body,
      at: at,
      folded: { title: matter.foldedTitle || normalize(matter.title),
        body: matter.body && normalize(matter.body.join(FIELD_SEPARATOR)) }
    };
  }

  /** How well a matter matches, or null; a term counts once, in its best field (see fieldsOf). */
  function scoreMatter(matter, flags, phrases) {
    var titleHits = 0;
    var departmentHits = 0;
    for (var i = 0; i < flags.length; i++) {
      var bits = flags[i][matter.at];
      if (!bits) return null;
      if (bits & 1) titleHits++;
      else if (bits & 2) departmentHits++;
    }
    // tier 0: the title is the query; 1: the query is a phrase in the title
    var title = matter.folded.title;
    var tier = titleHits < flags.length ? 2 : phrases.indexOf(title) !== -1 ? 0 :
      phrases.some(function (phrase) { return title.indexOf(phrase) !== -1; }) ? 1 : 2;
    return { tier: tier, titleHits: titleHits, departmentHits: departmentHits };
  }

  function passesFilters(matter, filters) {
    return (!filters.c || (matter.category || {}).slug === filters.c) &&
      (!filters.d || matter.departments.some(function (d) { return d.slug === filters.d; })) &&
      (!filters.t || matter.list.town.slug === filters.t) && (!filters.l || matter.list.type.slug === filters.l);
  }

  function anyFilter(filters) {
    return Boolean(filters.c || filters.d || filters.t || filters.l);
  }

  /** Whether the filters leave no matter: then no shard is needed. */
  function selectsNone(index, filters) {
    return kept(index, filters || {}).none;
  }

  /** {keep: whether each matter passes the filters (null: no filter), none}; the latest filters' kept. */
  function kept(index, filters) {
    var key = [filters.t, filters.l, filters.c, filters.d].join(FIELD_SEPARATOR);
    if (!index.kept || index.kept.key !== key) {
      var keep = anyFilter(filters) ? index.byIndex.map(function (matter) {
        return passesFilters(matter, filters);
      }) : null;
      index.kept = { key: key, keep: keep, none: Boolean(keep) && keep.indexOf(true) === -1 };
    }
    return index.kept;
  }

  /**
   * The ranked matches: {terms, hits: [{matter, score}]}; without terms the filters select. Needs the
   * shards of partsFor. Only matters with the rarest term are scored, then sorted by one number.
   */
  function search(index, query, filters) {
    filters = filters || {};
    var terms = parseQuery(query);
    if ((!terms.length && !anyFilter(filters)) || selectsNone(index, filters)) return { terms: terms, hits: [] };
    var fields = terms.map(function (term) { return fieldsOf(index, term); });
    var keep = kept(index, filters).keep;
    var found = terms.map(function (term, i) { return withText(index, term, fields[i], keep); });
    var phrases = terms.length ? [terms.join(""), terms.join(" ")] : [];
    var flags = found.map(function (term) { return term.flags; });
    var width = terms.length + 1;
    var count = index.byIndex.length;
    var scores = [];
    var keys = [];
    var rarest = found.reduce(function (list, term) {
      return list && list.length <= term.list.length ? list : term.list;
    }, null);
    (rarest || index.byIndex.map(function (matter) { return matter.at; })).forEach(function (at) {
      var matter = index.byIndex[at];
      var score = (!keep || keep[at]) && scoreMatter(matter, flags, phrases);
      if (!score) return;
      scores[matter.order] = score;
      keys.push(((score.tier * width + width - score.titleHits) * width - score.departmentHits) * count + matter.order);
    });
    index.fields = {}; // the latest terms' only
    terms.forEach(function (term, i) { index.fields[term] = fields[i]; });
    return { terms: terms, hits: Array.from(new Float64Array(keys).sort(), function (key) {
      return { matter: index.matters[key % count], score: scores[key % count] };
    }) };
  }

  /**
   * Where a term occurs, as known without shards: {flags by matter (1 title, else 2 departments,
   * else 4 text), list: those matters}. Kept: worked out while the shards load.
   */
  function fieldsOf(index, term) {
    var fields = index.fields[term];
    if (fields) return fields;
    fields = index.fields[term] = { flags: new Uint8Array(index.byIndex.length), list: [] };
    var mark = function (at, bits) {
      if (!fields.flags[at]) fields.list.push(at);
      fields.flags[at] = fields.flags[at] || bits;
    };
    var starts = index.titleStarts; // all titles in one string: one scan
    for (var k = 0, p = index.titles.indexOf(term); p !== -1; p = index.titles.indexOf(term, starts[++k])) {
      while (starts[k + 1] <= p) k++;
      index.owners[k].forEach(function (at) { mark(at, 1); });
    }
    index.departments.forEach(function (department) {
      if (department.folded.indexOf(term) !== -1) department.ats.forEach(function (at) { mark(at, 2); });
    });
    if (!index.sharded && isFullText(term)) index.byIndex.forEach(function (matter) {
      if (matter.folded.body.indexOf(term) !== -1) mark(matter.at, 4);
    });
    return fields;
  }

  /** The fields with a sharded index's text (4) added: in the matters `keep` marks, if given. */
  function withText(index, term, fields, keep) {
    if (!index.sharded || !isFullText(term)) return fields;
    var flags = fields.flags.slice();
    var text = index.sharding.bodyMatches(index, term, keep).filter(function (at) {
      return !flags[at] && (flags[at] = 4);
    });
    return { flags: flags, list: fields.list.concat(text) };
  }

  /** The shards a query needs that are not loaded yet (none for a single-file index). */
  function partsFor(index, query, filters) {
    return index.sharded && !selectsNone(index, filters) ? index.sharding.partsFor(index, query) : [];
  }

  /** Sorted, merged [start, end) ranges where any term occurs. */
  function highlightRanges(text, terms) {
    var map = foldWithMap(text);
    var ranges = [];
    terms.forEach(function (term) {
      if (!term) return;
      for (var at = map.text.indexOf(term); at !== -1; at = map.text.indexOf(term, at + 1)) {
        ranges.push([map.from[at], map.to[at + term.length - 1]]);
      }
    });
    return mergeRanges(ranges);
  }

  function mergeRanges(ranges) {
    ranges.sort(function (a, b) { return (a[0] - b[0]) || (a[1] - b[1]); });
    var merged = [];
    ranges.forEach(function (range) {
      var last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push([range[0], range[1]]);
    });
    return merged;
  }

  /** Text cut into [{text, mark}] runs. */
  function markPieces(text, ranges) {
    var pieces = [];
    var at = 0;
    ranges.forEach(function (range) {
      if (range[0] > at) pieces.push({ text: text.slice(at, range[0]), mark: false });
      pieces.push({ text: text.slice(range[0], range[1]), mark: true });
      at = range[1];
    });
    if (at < text.length) pieces.push({ text: text.slice(at), mark: false });
    return pieces;
  }

  /** About SNIPPET_LENGTH characters around the first full-text match, marked. */
  function snippet(matter, terms, length) {
    length = length || SNIPPET_LENGTH;
    var bodyTerms = terms.filter(isFullText);
    for (var i = 0; i < matter.body.length; i++) {
      var line = matter.body[i];
      var first = firstMatch(line, bodyTerms);
      if (first) return cutAround(line, first[0], bodyTerms, length);
    }
    return matter.body.length ? cutAround(matter.body[0], 0, [], length) : null;
  }

  /** The [start, end) of a line's earliest term, or null. */
  function firstMatch(line, terms) {
    var folded = normalize(line);
    var found = terms.filter(function (term) { return folded.indexOf(term) !== -1; });
    if (!found.length) return null;
    var map = foldWithMap(line);
    var best = null;
    found.forEach(function (term) {
      var at = map.text.indexOf(term);
      if (best === null || at < best[2]) best = [map.from[at], map.to[at + term.length - 1], at];
    });
    return best;
  }

  function cutAround(line, start, terms, length) {
    var begin = 0;
    var end = line.length;
    if (line.length > length) {
      begin = Math.max(0, Math.min(start - SNIPPET_LEAD, line.length - length));
      end = begin + length;
      begin = pieceBoundary(line, begin, -1);
      end = pieceBoundary(line, end, 1);
    }
    var text = line.slice(begin, end);
    return { text: text, ranges: highlightRanges(text, terms), before: begin > 0, after: end < line.length };
  }

  /** Move a cut off surrogate pairs and combining marks. */
  function pieceBoundary(text, position, step) {
    while (position > 0 && position < text.length && insidePiece(text, position)) position += step;
    return position;
  }

  function insidePiece(text, position) {
    var code = text.charCodeAt(position);
    if (code >= 0xdc00 && code <= 0xdfff) return true; // low surrogate: inside a pair
    return MARK.test(text.slice(position, position + 2));
  }

  var core = {
    FULL_TEXT_MIN: FULL_TEXT_MIN,
    SNIPPET_LENGTH: SNIPPET_LENGTH,
    normalize: normalize,
    foldWithMap: foldWithMap,
    parseQuery: parseQuery,
    isFullText: isFullText,
    prepareIndex: prepareIndex,
    search: search,
    PAGE_SIZE: PAGE_SIZE,
    partsFor: partsFor,
    highlightRanges: highlightRanges,
    markPieces: markPieces,
    snippet: snippet
  };

  if (typeof module !== "undefined" && module.exports) module.exports = core;

  // ---- Page: form, URL and results ----

  var TEXT = {
    hint: "输入要查找的词语，或选择分类、部门。",
    found: function (count) { return "找到 " + count + " 项"; },
    shownOf: function (count) { return "，显示前 " + count + " 项"; },
    more: function (count) { return "更多结果（还有 " + count + " 项）"; },
    single: "（单字只查找事项名称和部门，输入两个字以上可查找全文）",
    none: "没有找到符合条件的事项。可以试试：缩短词语或换个说法，减少词语个数，检查分类和部门筛选，或浏览",
    all: "全部事项",
    noIndex: "搜索数据没有加载成功，请刷新页面，或浏览",
    number: function (n) { return "第 " + n + " 项"; },
    departmentJoiner: "、",
    alias: function (term, names) { return "。“" + term + "”即" + names; },
    ellipsis: "…",
    titleQuery: function (query, base) { return "“" + query + "”的搜索结果 · " + base; }
  };

  function startPage(window) {
    var document = window.document;
    var form = document.getElementById("search-form");
    if (!form) return;
    var page = {
      window: window,
      document: document,
      input: document.getElementById("search-q"),
      select: {}, // by URL parameter
      status: document.getElementById("search-status"),
      results: document.getElementById("search-results"),
      more: document.getElementById("search-more"),
      baseTitle: document.title,
      editing: false, // the history entry is the edit's
      shown: null, // the state the results show
      run: 0, // counts searches: an older one's data is not drawn
      loading: {}, // parts by name: promises
      timer: null,
      rest: null // draws the rest of the latest results after their first frame
    };
    page.keys = Object.keys(FILTERS).filter(function (key) {
      return (page.select[key] = document.getElementById("search-" + FILTERS[key]));
    });
    page.root = page.results.getAttribute("data-root") || "";
    var payload = window.SEARCH_INDEX;
    var begin = function () {
      var sharding = window[SHARDING];
      if (payload.format >= SHARDED && !sharding) return showNoIndex(page);
      page.index = prepareIndex(payload, sharding && sharding(core));
      setForm(page, urlState(window.location));
      show(page);
      listen(page, form);
    };
    if (!payload) showNoIndex(page);
    else if (payload.format < SHARDED || window[SHARDING]) begin();
    else addScript(page, "static/search-shards.js").then(begin);
  }

  function listen(page, form) {
    page.input.addEventListener("input", function (event) {
      if (!event.isComposing) later(page);
    });
    page.input.addEventListener("compositionend", function () { later(page); });
    page.input.addEventListener("blur", function () { commit(page); });
    page.keys.forEach(function (key) {
      page.select[key].addEventListener("change", function () { commit(page); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      commit(page);
    });
    if (page.more) page.more.addEventListener("click", function () { drawMore(page, true); });
    page.window.addEventListener("popstate", function () {
      page.window.clearTimeout(page.timer);
      page.editing = false;
      setForm(page, urlState(page.window.location));
      show(page);
    });
  }

  /** Typing: search once the shards it needs are loaded (if still typed), or needing none after a pause. */
  function later(page) {
    page.window.clearTimeout(page.timer);
    var query = page.input.value;
    var missing = partsFor(page.index, query, formState(page));
    var current = function () {
      if (page.input.value === query) show(page, false);
    };
    if (missing.length) load(page, missing).then(current, current);
    else page.timer = page.window.setTimeout(show, DEBOUNCE_MS, page, false);
  }

  /** Submit, blur, a filter: search now and end the edit. */
  function commit(page) {
    page.window.clearTimeout(page.timer);
    show(page, true);
  }

  /** Put a state in the URL: an edit's first change pushes a history entry, the next replace it. */
  function remember(page, state, ends) {
    if (page.shown && !sameState(state, page.shown)) return; // overtaken meanwhile
    if (!sameState(state, urlState(page.window.location))) {
      var url = stateUrl(state, page.window.location.pathname);
      try {
        if (page.editing) page.window.history.replaceState(null, "", url);
        else page.window.history.pushState(null, "", url);
        page.editing = true;
      } catch (error) {
        // refused on some file:// pages
      }
    }
    if (ends) page.editing = false;
  }

  // The URL's parameters: query, filters (a district has all four).
  var FILTERS = { t: "town", l: "type", c: "category", d: "department" };
  var KEYS = ["q"].concat(Object.keys(FILTERS));

  function urlState(location) {
    var params = new URLSearchParams(location.search);
    var state = {};
    KEYS.forEach(function (key) { state[key] = params.get(key) || ""; });
    return state;
  }

  function formState(page) {
    var state = { q: page.input.value, t: "", l: "" };
    page.keys.forEach(function (key) { state[key] = page.select[key].value; });
    return state;
  }

  function sameState(a, b) {
    return KEYS.every(function (key) { return a[key] === b[key]; });
  }

  function stateUrl(state, pathname) {
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { if (state[key]) params.set(key, state[key]); });
    var query = params.toString();
    return query ? "?" + query : pathname;
  }

  function setForm(page, state) {
    page.input.value = state.q;
    page.keys.forEach(function (key) { setSelect(page.select[key], state[key]); });
    var folded = page.document.getElementById("search-filters"); // a district's: open when one is set
    if (folded && page.keys.some(function (key) { return state[key]; })) folded.open = true;
  }

  /** Select a value, or "all" for an unknown one. */
  function setSelect(select, value) {
    select.value = value;
    if (select.value !== value) select.value = "";
  }

  /**
   * Draw the form's results once loaded, then (unless `ends` is undefined) remember it. Unchanged state
   * draws nothing: a click's blur must not replace the link clicked. An overtaken search is dropped.
   */
  function show(page, ends) {
    var state = formState(page);
    var done = function () {
      if (ends !== undefined) afterFrame(page.window, function () { remember(page, state, ends); });
    };
    if (page.shown && sameState(state, page.shown)) return done();
    page.shown = state;
    var run = ++page.run;
    var missing = partsFor(page.index, state.q, state);
    if (!missing.length) {
      draw(page, state);
      return done();
    }
    page.results.setAttribute("aria-busy", "true");
    load(page, missing).then(function () {
      if (run === page.run) done(draw(page, state));
    }, function () {
      if (run !== page.run) return;
      page.shown = null; // the next change tries again
      page.rest = null;
      page.results.removeAttribute("aria-busy");
      page.results.textContent = "";
      done(showNoIndex(page));
    });
    parseQuery(state.q).forEach(function (term) { fieldsOf(page.index, term); });
  }

  function draw(page, state) {
    page.result = search(page.index, state.q, state);
    page.drawn = 0;
    page.rest = null; // an earlier search's
    page.results.removeAttribute("aria-busy");
    page.results.textContent = "";
    drawMore(page, false);
    var query = state.q.trim();
    page.document.title = query ? TEXT.titleQuery(query, page.baseTitle) : page.baseTitle;
  }

  /** Append the next results (from a sharded index a page): a screenful before their frame, the rest and the
   * snippets after it. */
  function drawMore(page, focus) {
    if (page.rest) page.rest(); // the previous page's, before this one
    var result = page.result;
    var hits = result.hits.slice(page.drawn, page.index.sharded ? page.drawn + PAGE_SIZE : undefined);
    var items = appendResults(page, hits.slice(0, FIRST_SCREEN), result.terms);
    page.drawn += hits.length;
    showStatus(page, result, page.shown);
    if (page.more) {
      page.more.hidden = page.drawn >= result.hits.length;
      page.more.textContent = TEXT.more(result.hits.length - page.drawn);
    }
    if (focus && items.length && items[0].firstChild.firstChild.focus) items[0].firstChild.firstChild.focus();
    var rest = page.rest = function () {
      page.rest = null;
      items = items.concat(appendResults(page, hits.slice(FIRST_SCREEN), result.terms));
      loadSnippets(page, hits, items, result.terms);
    };
    afterFrame(page.window, function () {
      if (page.rest === rest) rest();
    });
  }

  /** The results' items, appended. */
  function appendResults(page, hits, terms) {
    var fragment = page.document.createDocumentFragment();
    var items = hits.map(function (hit) {
      return fragment.appendChild(resultItem(page, hit.matter, terms));
    });
    page.results.appendChild(fragment);
    return items;
  }

  /** Fetch the text files of results drawn without their text, then add their snippets. Which ones is
   * asked of the items, not of the matters: a text file asked for by the page before may have come in
   * between this page's first screenful and the rest of it. */
  function loadSnippets(page, hits, items, terms) {
    var waiting = hits.filter(function (hit, at) { return items[at].withoutText; });
    var run = page.run;
    if (!waiting.length) return;
    var matters = waiting.map(function (hit) { return hit.matter; });
    load(page, page.index.sharding.textPartsFor(page.index, matters)).then(function () {
      if (run !== page.run) return;
      waiting.forEach(function (hit) {
        var item = items[hits.indexOf(hit)];
        item.withoutText = false;
        appendSnippet(page.document, item, hit.matter, terms);
      });
    }, function () {}); // the results stand without snippets
  }

  /** Run after the next frame is drawn: what the results' first frame need not wait for. */
  function afterFrame(window, task) {
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(task);
    });
  }

  /** Load parts of a sharded index, each once (a failed one again when asked). */
  function load(page, names) {
    return Promise.all(names.map(function (name) {
      if (!page.loading[name]) {
        page.loading[name] = loadPart(page, name).then(function (data) {
          page.index.sharding.addPart(page.index, name, data);
        }, function (error) {
          delete page.loading[name];
          throw error;
        });
      }
      return page.loading[name];
    }));
  }

  /** One part of the index: the data its file leaves. */
  function loadPart(page, name) {
    return addScript(page, "search/" + name + ".js").then(function () {
      var parts = page.window[PARTS] || {};
      var data = parts[name];
      delete parts[name];
      if (data === undefined) throw new Error("search data not loaded: " + name);
      return data;
    });
  }

  /** Run a file of the site through a <script> element (works from file:// too); settles once it has run. */
  function addScript(page, path) {
    return new Promise(function (resolve) {
      var script = page.document.createElement("script");
      script.onload = script.onerror = function () {
        script.parentNode.removeChild(script);
        resolve();
      };
      script.src = page.root + path;
      page.document.head.appendChild(script);
    });
  }

  function showStatus(page, result, state) {
    var status = page.status;
    status.textContent = "";
    if (!result.terms.length && !anyFilter(state)) {
      status.textContent = TEXT.hint;
    } else if (!result.hits.length) {
      status.appendChild(page.document.createTextNode(TEXT.none));
      status.appendChild(browseLink(page));
      status.appendChild(page.document.createTextNode("。"));
    } else {
      var short = result.terms.some(function (term) { return !isFullText(term); });
      status.textContent = TEXT.found(result.hits.length) +
        (page.drawn < result.hits.length ? TEXT.shownOf(page.drawn) : "") + (short ? TEXT.single : "") +
        aliasNotes(page.index, result.terms);
    }
  }

  /** What a term found only in aliases stands for: 。“住建局”即… */
  function aliasNotes(index, terms) {
    return terms.map(function (term) {
      var names = index.departments.filter(function (department) {
        return department.folded.indexOf(term) !== -1 && normalize(department.name).indexOf(term) === -1;
      }).map(function (department) { return department.name; });
      return names.length && names.length <= 3 ? TEXT.alias(term, names.join(TEXT.departmentJoiner)) : "";
    }).join("");
  }

  function showNoIndex(page) {
    page.status.textContent = TEXT.noIndex;
    page.status.appendChild(browseLink(page));
    page.status.appendChild(page.document.createTextNode("。"));
  }

  /** Where to browse instead: the list, or (data-browse) a district's home. */
  function browseLink(page) {
    return link(page, page.results.getAttribute("data-browse") || "list/" + INDEX_PAGE, TEXT.all);
  }

  /** A link to a page's file (file:// opens no folder index). */
  function link(page, path, text) {
    var anchor = page.document.createElement("a");
    anchor.setAttribute("href", page.root + path);
    anchor.textContent = text;
    return anchor;
  }

  /**
   * <li class="result"><h2 class="result-title"><a href="ROOT/[TOWN/TYPE/]matters/ID.html">title</a></h2>
   *   <p class="result-meta">[<span>town</span> <span>list type</span>] <span class="result-number">第 N 项</span>
   *     <span class="result-category">…</span> <span class="result-departments">…</span></p>
   *   <p class="result-snippet">…text…</p></li>, with <mark>s
   */
  function resultItem(page, matter, terms) {
    var document = page.document;
    var item = element(document, "li", "result");
    var heading = item.appendChild(element(document, "h2", "result-title"));
    var list = matter.list;
    var folder = list ? list.town.slug + "/" + list.type.slug + "/" : "";
    var anchor = heading.appendChild(link(page, folder + "matters/" + encodeURIComponent(matter.id) + ".html", ""));
    appendMarked(document, anchor, matter.title, highlightRanges(matter.title, terms));

    var meta = item.appendChild(element(document, "p", "result-meta"));
    if (list) [list.town.name, list.type.label].forEach(function (name) {
      meta.appendChild(document.createElement("span")).textContent = name;
      meta.appendChild(document.createTextNode(" "));
    });
    meta.appendChild(element(document, "span", "result-number")).textContent = TEXT.number(matter.number);
    if (matter.category) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(element(document, "span", "result-category")).textContent = matter.category.name;
    }
    var names = matter.departments.map(function (d) { return d.name; }).join(TEXT.departmentJoiner);
    if (names) {
      meta.appendChild(document.createTextNode(" "));
      appendMarked(document, meta.appendChild(element(document, "span", "result-departments")),
        names, highlightRanges(names, terms));
    }

    if (matter.body) appendSnippet(document, item, matter, terms);
    else item.withoutText = true; // loadSnippets adds it
    return item;
  }

  function appendSnippet(document, item, matter, terms) {
    var cut = snippet(matter, terms);
    if (cut) {
      var paragraph = item.appendChild(element(document, "p", "result-snippet"));
      if (cut.before) paragraph.appendChild(document.createTextNode(TEXT.ellipsis));
      appendMarked(document, paragraph, cut.text, cut.ranges);
      if (cut.after) paragraph.appendChild(document.createTextNode(TEXT.ellipsis));
    }
  }

  function element(document, tag, className) {
    var node = document.createElement(tag);
    node.className = className;
    return node;
  }

  /** Text nodes and <mark>s: content and query stay text. */
  function appendMarked(document, parent, text, ranges) {
    markPieces(text, ranges).forEach(function (piece) {
      if (piece.mark) parent.appendChild(document.createElement("mark")).textContent = piece.text;
      else parent.appendChild(document.createTextNode(piece.text));
    });
  }

  if (typeof document !== "undefined" && typeof window !== "undefined") {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { startPage(window); });
    } else {
      startPage(window);
    }
  }
})();
