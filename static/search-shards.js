//# allFunctionsCalledOnLoad
/*
 * The sharded index's part of the search (docs/search.md): a large list's or a district's manifest,
 * posting shards and text files. The district's search page loads it before search.js; a large list's
 * search.js loads it when its index turns out sharded, so a small list's page does not download it.
 */
(function () {
  "use strict";

  var ZERO = 48, COMMA = 44, COLON = 58; // char codes in postings

  /** The sharded index's functions over search.js's `core` (normalize, parseQuery, isFullText). */
  function sharding(core) {
    var normalize = core.normalize;
    var parseQuery = core.parseQuery;
    var isFullText = core.isFullText;

    /** A manifest's matters, without text: a district's (format 3) or a large list's. */
    function matters(payload) {
      return payload.kinds ? districtMatters(payload) : manifestMatters(payload);
    }

    /** A district's matters (by town, list, number). */
    function districtMatters(payload) {
      var kinds = payload.kinds;
      var lists = payload.lists;
      var folded = kinds.title.map(normalize);
      var k = -1;
      var left = 0;
      var list;
      var number = 0;
      return payload.matters.kind.map(function (kind, at) {
        for (; !left; left = lists.count[k]) {
          k++;
          list = { town: payload.towns[lists.town[k]], type: payload.types[lists.type[k]] };
        }
        left--;
        number += payload.matters.number[at];
        return { id: kinds.id[kind], kind: kind, number: number, title: kinds.title[kind], foldedTitle: folded[kind],
          category: kinds.category[kind], departments: kinds.departments[kind], list: list, body: null };
      });
    }

    /** The manifest's matter columns as matters, without text. */
    function manifestMatters(payload) {
      var columns = payload.matters;
      var number = 0;
      return columns.id.map(function (id, at) {
        number += columns.number[at];
        return { id: id, number: number, title: columns.title[at], category: columns.category[at],
          departments: columns.departments[at], body: null };
      });
    }

    /** The shards of a query's terms not loaded yet. */
    function partsFor(index, query) {
      var wanted = {};
      parseQuery(query).filter(isFullText).forEach(function (term) {
        var chars = Array.from(term);
        cover(chars).forEach(function (offset) {
          var name = shardName(index, chars[offset] + chars[offset + 1]);
          if (!(name in index.parts)) wanted[name] = true;
        });
      });
      return Object.keys(wanted);
    }

    /** These matters' text files not loaded yet. */
    function textPartsFor(index, shown) {
      var wanted = {};
      shown.forEach(function (matter) {
        for (var k = 0; index.textStarts[k + 1] <= matter.at; k++);
        if (!matter.body) wanted["text/" + k] = true;
      });
      return Object.keys(wanted);
    }

    /** Take in a loaded shard or text file. */
    function addPart(index, name, data) {
      index.parts[name] = data;
      var chunk = /^text\/(\d+)$/.exec(name);
      for (var k = 0; chunk && k < data.length; k++) index.byIndex[index.textStarts[chunk[1]] + k].body = data[k];
    }

    /** A bigram's shard: FNV-1a over its code points, as in search.py. */
    function shardName(index, gram) {
      var hash = 0x811c9dc5;
      Array.from(gram).forEach(function (char) {
        hash = Math.imul(hash ^ char.codePointAt(0), 0x01000193) >>> 0;
      });
      return "shards/" + hash % index.shards;
    }

    /** Offsets of bigrams covering a term: every other one, and the last. */
    function cover(chars) {
      var offsets = [];
      for (var j = 0; j < chars.length - 1; j += 2) offsets.push(j);
      if (chars.length % 2) offsets.push(chars.length - 2);
      return offsets;
    }

    /** The matter indices, ascending, whose text holds the term: of those `keep` marks, if given. */
    function bodyMatches(index, term, keep) {
      var chars = Array.from(term);
      var lists = cover(chars).map(function (offset) {
        return { offset: offset, posting: posting(index, chars[offset] + chars[offset + 1]), row: 0 };
      });
      lists.sort(function (a, b) { return a.posting.matters.length - b.posting.matters.length; });
      var found = [];
      lists[0].posting.matters.forEach(function (matter, row) {
        if (keep && !keep[matter]) return;
        lists[0].row = row;
        for (var l = 1; l < lists.length; l++) {
          var matters = lists[l].posting.matters;
          while (lists[l].row < matters.length && matters[lists[l].row] < matter) lists[l].row++;
          if (matters[lists[l].row] !== matter) return;
        }
        if (lists.length === 1 || aligned(lists)) found.push(matter);
      });
      return found;
    }

    /** Whether in the current rows all bigrams occur at their offsets from one start. */
    function aligned(lists) {
      var common = starts(lists[0]);
      for (var l = 1; l < lists.length && common.length; l++) {
        var others = starts(lists[l]);
        common = common.filter(function (start) { return others.indexOf(start) !== -1; });
      }
      return common.length > 0;
    }

    /** A bigram's postings, decoded once. */
    function posting(index, gram) {
      if (!index.postings[gram]) {
        var shard = index.parts[shardName(index, gram)];
        if (!shard) throw new Error("search shard not loaded for " + gram);
        index.postings[gram] = decodePosting(shard[gram] || ""); // no inherited name has two characters
      }
      return index.postings[gram];
    }

    /**
     * "gap:position,step,...;gap:..." (search.py): the matters and where each one's positions start in
     * the text, read by `starts` only for the matters needed (few arrays: little garbage to collect).
     */
    function decodePosting(text) {
      var matters = [];
      var at = [];
      for (var i = 0, matter = -1; i < text.length; i = text.indexOf(";", i) + 1 || text.length) {
        for (var gap = 0; text.charCodeAt(i) !== COLON; i++) gap = gap * 10 + text.charCodeAt(i) - ZERO;
        matters.push(matter += gap);
        at.push(i + 1);
      }
      return { text: text, matters: matters, at: at };
    }

    /** Where the term starts if it holds the bigram where the current row has it. */
    function starts(list) {
      var text = list.posting.text;
      var found = [];
      for (var i = list.posting.at[list.row], position = -list.offset, step = 0; ; i++) {
        var code = text.charCodeAt(i); // NaN past the end
        if (code >= ZERO && code <= ZERO + 9) {
          step = step * 10 + code - ZERO;
        } else {
          found.push(position += step);
          if (code !== COMMA) return found;
          step = 0;
        }
      }
    }

    return { matters: matters, partsFor: partsFor, textPartsFor: textPartsFor, addPart: addPart,
      bodyMatches: bodyMatches };
  }

  if (typeof module !== "undefined" && module.exports) module.exports = sharding;
  else window.SEARCH_SHARDING = sharding;
})();
