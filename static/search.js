/* Chronique search, run by search.html.

   The index (search/, written at build time; format in the project's notes on issue 12) is a set of
   classic scripts, each calling CHRONIQUE_SEARCH.add(key, data): fetch(), modules and WASM are all
   blocked on file://, a <script> tag is not. search/meta.js lists the term shards; a query loads the
   shards of its words only, then the fragments (title, URL, text) of the results on screen. Loaded
   files stay cached for the next keystrokes.

   Everything linguistic (folding, stemming, term frequencies) was computed by the build: here the
   browser only looks words up, intersects, ranks and highlights. Index data is article text: it is
   put on the page through textContent only, never as markup. */
(() => {
  "use strict";

  const PAGE_SIZE = 20; // Results before the "more" button.
  const SCREEN_STEP = 5; // Fragments requested at once while the end of the list is on screen.
  const SCREEN_MARGIN = 300; // px below the window counted as on screen.
  const EXCERPT_WORDS = 30;
  const EXCERPT_LEAD = 6; // Words shown before the first match of the excerpt.
  const MAX_EXPANSIONS = 50; // Completions of the word being typed, the most frequent first.
  const MAX_EXPANSION_SHARDS = 4; // A very short last word would otherwise load a whole letter.
  const EXPANSION_WEIGHT = 0.8; // A completion ranks below the word itself.
  const MIN_STEM_FALLBACK = 4;
  // French elisions the index drops before joining a word's parts (chronique.enrich.words), then the
  // word they stand before: one that starts with a vowel or an h (the query is folded: no accents).
  const ELIDED = /^(?:qu|jusqu|lorsqu|puisqu|quoiqu|[cdjlmnst])([aeiouyh]\p{L}{3,})$/u;
  const RECENCY = 0.05; // Added score for the newest article (proportionally less for older ones).

  // Loader ----------------------------------------------------------------------------------------

  const files = new Map(); // key -> {promise, resolve, requested}

  function slot(key) {
    let entry = files.get(key);
    if (!entry) {
      let resolve;
      const promise = new Promise((done) => { resolve = done; });
      entry = { promise, resolve, requested: false };
      files.set(key, entry);
    }
    return entry;
  }

  // The index scripts call this. Registering twice keeps the first data (a promise settles once).
  window.CHRONIQUE_SEARCH = Object.freeze({ add: (key, data) => slot(String(key)).resolve(data) });

  const root = document.getElementById("search");
  if (!root) return;
  const indexBase = root.dataset.index || "search/";

  /** The registered data of search/<key>.js, or null when the file is missing or registers nothing. */
  function load(key) {
    const entry = slot(key);
    if (!entry.requested) {
      entry.requested = true;
      const script = document.createElement("script");
      script.src = indexBase + key + ".js";
      // After a file's script ran, its load event comes: if it did not register, it holds nothing.
      script.onload = script.onerror = () => {
        entry.resolve(null);
        script.remove();
      };
      document.head.appendChild(script);
    }
    return entry.promise;
  }

  // Text ------------------------------------------------------------------------------------------

  // Mirrors chronique.text.fold(): casefold, œ/æ spelt out, NFKD, combining marks dropped. Only marks
  // of non-zero combining class go, as Python's unicodedata.combining() says (the list ends this file).
  const COMBINING = new RegExp("[" + combiningClasses() + "]", "gu");
  function fold(value) {
    const text = String(value ?? "");
    if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase(); // Most words: nothing more to do.
    return text.toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ").replace(/œ/g, "oe").replace(/æ/g, "ae")
      .normalize("NFKD").replace(COMBINING, "");
  }
  const foldedCache = new Map(); // An article's words are mostly the words of the one before.
  function foldWord(word) {
    let folded = foldedCache.get(word);
    if (folded === undefined) {
      if (foldedCache.size > 100000) foldedCache.clear();
      folded = fold(word);
      foldedCache.set(word, folded);
    }
    return folded;
  }

  // Runs of letters and digits, as chronique.text.WORD; marks are kept in a run so that a decomposed
  // accent does not split a word of the raw text.
  const WORD = /[\p{L}\p{N}\p{M}]+/gu;
  const foldedWords = (text) => fold(text).match(WORD) || [];
  const JOINERS = new Set(["'", "’", "‘", "ʼ", "-", "‐", "‑"]);

  /** Free words and quoted phrases of a query; `open` when the last word may still be being typed. */
  function parseQuery(text) {
    const phrases = [];
    const rest = text.replace(/"([^"]*)"|«([^»]*)»|“([^”]*)”/g, (_, a, b, c) => {
      const words = foldedWords(a ?? b ?? c);
      if (words.length) phrases.push(words);
      return " ";
    });
    const words = foldedWords(rest);
    const open = words.length > 0 && /[\p{L}\p{N}\p{M}]$/u.test(text);
    return { words, phrases, open };
  }

  // Optimal string alignment distance (a swap of two neighbours counts as one edit: macorn → macron),
  // or max + 1 as soon as it must exceed max.
  function editDistance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    let before = [];
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        let value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2] + 1);
        row.push(value);
        best = Math.min(best, value);
      }
      if (best > max) return max + 1;
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  // Index -----------------------------------------------------------------------------------------

  let meta = null;
  let prefixes = new Set();
  let longestPrefix = 0;

  const INDEX_VERSION = 2; // chronique.search_index.VERSION: the format this script reads.
  const NO_INDEX = { count: 0, shards: [], docs_per_chunk: 1000, years: [], scale: 1 };

  async function loadMeta() {
    const found = await load("meta");
    if (found && found.version !== INDEX_VERSION) {
      // An index of another format (a site rebuilt in part, or cached): read as no index, never misread.
      console.warn(`search/: index version ${found.version}, this page reads version ${INDEX_VERSION}`);
    }
    meta = found && found.version === INDEX_VERSION ? found : NO_INDEX;
    prefixes = new Set(meta.shards);
    longestPrefix = meta.shards.reduce((longest, prefix) => Math.max(longest, Array.from(prefix).length), 0);
  }

  // A shard's file name: ASCII letters and digits kept, every other UTF-8 byte as _xx.
  const encoder = new TextEncoder();
  function shardKey(prefix) {
    let name = "";
    for (const byte of encoder.encode(prefix)) {
      const char = String.fromCharCode(byte);
      name += /[a-z0-9]/.test(char) ? char : "_" + byte.toString(16).padStart(2, "0");
    }
    return "t/" + name;
  }

  /** The longest listed prefix that starts `word`, or "" when none does. */
  function prefixOf(word) {
    const chars = Array.from(word);
    for (let length = Math.min(chars.length, longestPrefix); length > 0; length--) {
      const prefix = chars.slice(0, length).join("");
      if (prefixes.has(prefix)) return prefix;
    }
    return "";
  }

  async function shardOf(word) {
    const prefix = prefixOf(word);
    const shard = prefix ? await load(shardKey(prefix)) : null;
    return shard || { words: {}, stems: {} };
  }

  const stemsOf = (shard, word) => (Object.hasOwn(shard.words, word) ? [].concat(shard.words[word]) : null);

  // Postings as the build wrote them (chronique.search_index.encode_postings): one string per stem, for
  // each document its id's gap from the previous one (the first: the id) in 5-bit digits, most
  // significant first, each but the last + 32, then its q in one digit; the digits of base64url.
  const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const DIGIT = new Int8Array(0x10000).fill(-1); // charCodeAt -> digit, -1 for a character that is none
  for (let i = 0; i < DIGITS.length; i++) DIGIT[DIGITS.charCodeAt(i)] = i;
  const NO_POSTINGS = Object.freeze({ ids: new Int32Array(0), qs: new Uint8Array(0) });
  const decoded = new WeakMap(); // shard -> Map(stem -> {ids, qs}): each stem decoded once, when a query needs it

  /** The ids (ascending) and q of a stem's documents; decoding stops at a character outside the digits. */
  function decodePostings(text) {
    const ids = new Int32Array(text.length >> 1); // Two characters a posting at least.
    const qs = new Uint8Array(ids.length);
    let count = 0;
    let id = 0;
    let gap = 0;
    let inGap = true;
    for (let at = 0; at < text.length; at++) {
      const digit = DIGIT[text.charCodeAt(at)];
      if (digit < 0) break;
      if (inGap) {
        gap = gap * 32 + (digit & 31);
        inGap = digit >= 32;
      } else {
        id += gap;
        ids[count] = id;
        qs[count++] = digit;
        gap = 0;
        inGap = true;
      }
    }
    return { ids: ids.subarray(0, count), qs: qs.subarray(0, count) };
  }

  function postings(shard, stem) {
    const text = Object.hasOwn(shard.stems, stem) ? shard.stems[stem] : "";
    if (typeof text !== "string" || !text) return NO_POSTINGS;
    let stems = decoded.get(shard);
    if (!stems) decoded.set(shard, (stems = new Map()));
    let found = stems.get(stem);
    if (!found) stems.set(stem, (found = decodePostings(text)));
    return found;
  }
  const documentCount = (shard, stem) => postings(shard, stem).ids.length;

  // Scores and flags go in arrays indexed by document id: no object per posting, at 100,000 articles either.
  const perDocument = (Type = Float64Array) => new Type(meta.count);

  /** Adds a stem's BM25 scores to `scores`, keeping the best per document (a word may stand for several stems). */
  function addScores(scores, { ids, qs }, weight) {
    // The build wrote the term-frequency part of each posting; the IDF depends on the whole archive.
    const df = ids.length;
    const factor = (weight * Math.log(1 + (meta.count - df + 0.5) / (df + 0.5))) / meta.scale;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < scores.length) scores[id] = Math.max(scores[id], factor * qs[i]);
    }
  }

  /**
   * One query word: its documents with their scores, the surface words to highlight, and the word
   * actually searched when it had to be corrected. Stop words come back with `stop` set.
   */
  async function resolveWord(word, { complete = false, fuzzy = true } = {}) {
    const shard = await shardOf(word);
    const own = stemsOf(shard, word);
    if (own && own.every((stem) => stem === "")) return { word, stop: true };
    const stems = new Map(); // stem -> [weight, the shard holding its postings]
    const shards = [shard];
    for (const stem of own || []) if (stem) stems.set(stem, [1, shard]);

    if (complete) {
      const home = prefixOf(word);
      const more = meta.shards.filter((prefix) => prefix.startsWith(word) && prefix !== home);
      if (more.length <= MAX_EXPANSION_SHARDS) {
        shards.push(...(await Promise.all(more.map((prefix) => load(shardKey(prefix))))).filter(Boolean));
      }
      const completions = []; // [-documents, surface word, stem, shard]
      for (const each of shards) {
        for (const [surface, value] of Object.entries(each.words)) {
          if (surface.length <= word.length || !surface.startsWith(word)) continue;
          for (const stem of [].concat(value)) if (stem) completions.push([-documentCount(each, stem), surface, stem, each]);
        }
      }
      completions.sort(compareLists);
      for (const [, , stem, each] of completions.slice(0, MAX_EXPANSIONS)) {
        if (!stems.has(stem)) stems.set(stem, [EXPANSION_WEIGHT, each]);
      }
    }

    let used = word;
    if (!stems.size) {
      // A form the archive never uses, often an inflection: the longest stem that starts it.
      let best = "";
      for (const stem of Object.keys(shard.stems)) {
        if (stem.length >= MIN_STEM_FALLBACK && stem.length > best.length && word.startsWith(stem)) best = stem;
      }
      if (best) stems.set(best, [1, shard]);
    }
    if (!stems.size) {
      // An elision typed without its apostrophe (lafrique, dune): the index keeps no joined form of
      // those, so the word is looked up without it.
      const elided = ELIDED.exec(word);
      const rest = elided && (await resolveWord(elided[1], { complete, fuzzy: false }));
      if (rest && !rest.stop && rest.scores.some(Boolean)) return { ...rest, word, used: word };
    }
    if (!stems.size && fuzzy && word.length >= 4) {
      // A typo: the closest word of the shard (one edit, two for long words), the most used on a tie.
      const max = word.length >= 7 ? 2 : 1;
      let best = null;
      for (const [surface, value] of Object.entries(shard.words)) {
        const stem = [].concat(value)[0];
        if (!stem || surface.startsWith("#")) continue;
        const distance = editDistance(word, surface, max);
        if (distance > max) continue;
        const candidate = [distance, -documentCount(shard, stem), surface];
        if (!best || compareLists(candidate, best) < 0) best = candidate;
      }
      if (best) {
        used = best[2];
        for (const stem of stemsOf(shard, used)) if (stem) stems.set(stem, [1, shard]);
      }
    }

    const scores = perDocument(); // 0: the word is not in the document
    for (const [stem, [weight, holder]] of stems) addScores(scores, postings(holder, stem), weight);
    const surfaces = new Set([word, used]);
    for (const each of shards) {
      for (const [surface, value] of Object.entries(each.words)) {
        if ([].concat(value).some((stem) => stems.has(stem))) surfaces.add(surface);
      }
    }
    return { word, used, stop: false, scores, surfaces };
  }

  function compareLists(a, b) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  /** A quoted phrase: documents holding all its words (checked on their text later), scores summed. */
  async function resolvePhrase(words) {
    const parts = await Promise.all(words.map((word) => resolveWord(word, { fuzzy: false })));
    const content = parts.filter((part) => !part.stop);
    const scores = content.length ? Float64Array.from(content[0].scores) : perDocument();
    for (const part of content.slice(1)) {
      for (let id = 0; id < scores.length; id++) scores[id] = scores[id] && part.scores[id] ? scores[id] + part.scores[id] : 0;
    }
    const surfaces = new Set(content.flatMap((part) => [...part.surfaces]));
    return { words, scores, surfaces, stop: content.length === 0 };
  }

  function yearOf(id) {
    for (const [year, first, last] of meta.years) if (id >= first && id <= last) return year;
    return 0;
  }

  async function tagDocuments(tag) {
    const term = "#" + fold(tag);
    const shard = await shardOf(term);
    const tagged = perDocument(Uint8Array);
    for (const stem of stemsOf(shard, term) || [term]) {
      for (const id of postings(shard, stem).ids) if (id < tagged.length) tagged[id] = 1;
    }
    return tagged;
  }

  /**
   * The ranked documents of a query: every word (or phrase) when some documents have them all,
   * else the documents with the most of them. Ties go to the newer article, then the higher id.
   */
  async function search(text, { typing, year, tag }) {
    await metaLoaded;
    const query = parseQuery(text);
    const last = query.words.length - 1;
    const [words, phrases, tagged] = await Promise.all([
      Promise.all(query.words.map((word, i) => resolveWord(word, { complete: typing && query.open && i === last }))),
      Promise.all(query.phrases.map(resolvePhrase)),
      tag ? tagDocuments(tag) : null,
    ]);
    const units = [...words, ...phrases].filter((unit) => !unit.stop);
    const count = perDocument(Uint16Array); // query words (and phrases) found in each document
    const total = perDocument(); // their summed scores, plus the recency tie-break
    for (const unit of units) {
      for (let id = 0; id < total.length; id++) {
        if (unit.scores[id]) {
          count[id] += 1;
          total[id] += unit.scores[id];
        }
      }
    }
    const required = phrases.filter((phrase) => !phrase.stop);
    let matches = [];
    let most = 0;
    for (let id = 0; id < total.length; id++) {
      if (!count[id] || (tagged && !tagged[id]) || !required.every((phrase) => phrase.scores[id])) continue;
      matches.push(id);
      most = Math.max(most, count[id]);
      total[id] += (RECENCY * id) / Math.max(1, meta.count - 1);
    }
    const partial = most > 0 && most < units.length;
    if (!partial) matches = matches.filter((id) => count[id] === units.length);

    const years = new Map();
    for (const id of matches) {
      const each = yearOf(id);
      years.set(each, (years.get(each) || 0) + 1);
    }
    if (year) matches = matches.filter((id) => yearOf(id) === year);
    const ids = ranking(matches, (a, b) => count[b] - count[a] || total[b] - total[a] || b - a);

    const highlight = new Map(); // folded surface word -> unit number
    units.forEach((unit, number) => unit.surfaces.forEach((surface) => highlight.has(surface) || highlight.set(surface, number)));
    const corrections = words.filter((word) => !word.stop && word.used !== word.word);
    const shown = text.trim().replace(/\s+/g, " ");
    const display = corrections.reduce((result, { word, used }) => result.replace(new RegExp(word, "i"), used), fold(shown));
    return { ids, phrases: required.map((phrase) => phrase.words), highlight, corrections, partial, years,
             display: corrections.length ? display : shown, empty: !query.words.length && !query.phrases.length };
  }

  /**
   * `matches` in the order of `compare`, put in order only as far as they are read: a reader sees the
   * first few of what can be tens of thousands (at 100,000 articles, sorting the 44,000 matches of a
   * typed prefix took 44 ms; picking the best 40 takes a few).
   */
  function ranking(matches, compare) {
    let best = [];
    return {
      length: matches.length,
      slice(start, end) {
        if (end > best.length && best.length < matches.length) best = bestOf(matches, Math.max(end, 2 * best.length, 40), compare);
        return best.slice(start, end);
      },
    };
  }

  /** The `size` first items of `items` in the order of `compare`, through a heap whose root is the worst kept. */
  function bestOf(items, size, compare) {
    if (size >= items.length) return items.slice().sort(compare);
    const heap = [];
    const swap = (i, j) => ([heap[i], heap[j]] = [heap[j], heap[i]]);
    for (const item of items) {
      if (heap.length < size) {
        heap.push(item);
        for (let i = heap.length - 1, parent; i > 0 && compare(heap[i], heap[(parent = (i - 1) >> 1)]) > 0; i = parent) swap(i, parent);
      } else if (compare(item, heap[0]) < 0) {
        heap[0] = item;
        for (let i = 0; ;) {
          let worst = i;
          for (const child of [2 * i + 1, 2 * i + 2]) if (child < size && compare(heap[child], heap[worst]) > 0) worst = child;
          if (worst === i) break;
          swap(i, worst);
          i = worst;
        }
      }
    }
    return heap.sort(compare);
  }

  // Fragments and excerpts ------------------------------------------------------------------------

  const fragment = (id) => load(`d/${Math.floor(id / (meta.docs_per_chunk || 1000))}/${id}`);

  /** The words of `text` with their place, folded form and, when one matched, the query unit's number. */
  function tokens(text, highlight) {
    const found = [];
    for (const match of text.matchAll(WORD)) {
      const folded = foldWord(match[0]);
      found.push({ start: match.index, end: match.index + match[0].length, folded, unit: highlight.get(folded) ?? -1 });
    }
    // "McDonald's" is also indexed as "mcdonalds", "garde-côtes" as "gardecotes": a match spans both.
    for (let i = 0; i + 1 < found.length; i++) {
      const [left, right] = [found[i], found[i + 1]];
      if (right.start - left.end === 1 && JOINERS.has(text[left.end])) {
        const unit = highlight.get(left.folded + right.folded);
        if (unit !== undefined) {
          left.unit = right.unit = unit;
          left.joined = true;
        }
      }
    }
    return found;
  }

  /** Whether the folded words of `phrase` follow each other in `text`. */
  function hasPhrase(text, phrase) {
    const words = foldedWords(text);
    outer: for (let i = 0; i + phrase.length <= words.length; i++) {
      for (let j = 0; j < phrase.length; j++) if (words[i + j] !== phrase[j]) continue outer;
      return true;
    }
    return false;
  }

  /** Appends `text` (whole or tokens[first..last]) to `parent`, the matched words in <mark>. */
  function appendMarked(parent, text, found, first = 0, last = found.length - 1) {
    if (!found.length || last < first) {
      parent.append(text);
      return;
    }
    const tidy = (part) => part.replace(/\s+/g, " ");
    let at = found[first].start;
    if (first === 0) parent.append(tidy(text.slice(0, at)));
    for (let i = first; i <= last; i++) {
      const token = found[i];
      if (token.unit < 0) continue;
      let end = token.end;
      while (found[i].joined && i < last) end = found[++i].end;
      parent.append(tidy(text.slice(at, token.start)));
      parent.appendChild(document.createElement("mark")).textContent = text.slice(token.start, end);
      at = end;
    }
    parent.append(tidy(text.slice(at, last === found.length - 1 ? text.length : found[last].end)));
  }

  /** About EXCERPT_WORDS words of `text` around its densest cluster of matched words. */
  function excerpt(text, highlight) {
    const found = tokens(text, highlight);
    let bestStart = 0;
    let best = [-1, -1];
    const hits = found.map((token, i) => [i, token.unit]).filter(([, unit]) => unit >= 0);
    for (let h = 0, end = 0; h < hits.length; h++) {
      while (end < hits.length && hits[end][0] < hits[h][0] + EXCERPT_WORDS - EXCERPT_LEAD) end++;
      const window = hits.slice(h, end);
      const quality = [new Set(window.map(([, unit]) => unit)).size, window.length];
      if (compareLists(quality, best) > 0) [best, bestStart] = [quality, hits[h][0]];
    }
    const first = Math.max(0, hits.length ? bestStart - EXCERPT_LEAD : 0);
    const last = Math.min(found.length, first + EXCERPT_WORDS) - 1;
    const node = element("p", "search-excerpt");
    if (first > 0) node.append("… ");
    appendMarked(node, text, found, first, last);
    if (last < found.length - 1) node.append(" …");
    return node;
  }

  // Page ------------------------------------------------------------------------------------------

  const form = document.getElementById("search-form");
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  const note = document.getElementById("search-note");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const filters = document.getElementById("search-filters");
  const yearSelect = document.getElementById("search-year");
  const tagSelect = document.getElementById("search-tag");
  const strings = root.dataset;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /** The result's page relative to search.html (at the site root), or "" when it would leave the site. */
  function safeLink(url) {
    const path = String(url || "").replace(/^\/+/, "");
    try {
      // The browser's own parser decides: " javascript:…" is javascript: to it, whatever a regex says.
      const target = new URL(path, location.href);
      return target.protocol === location.protocol && target.origin === location.origin ? path : "";
    } catch (error) {
      return "";
    }
  }

  function item(doc, highlight) {
    const li = element("li", "h-entry");
    const link = li.appendChild(element("h2", "p-name")).appendChild(element("a", "u-url"));
    appendMarked(link, doc.t || "", tokens(doc.t || "", highlight));
    const href = safeLink(doc.u);
    if (href) link.href = href; // From the site root, which is where search.html lives.
    const line = li.appendChild(element("p", "meta"));
    const time = line.appendChild(element("time", "dt-published", doc.d));
    if (doc.y) time.dateTime = doc.y;
    if (doc.s) {
      line.append(" · ");
      line.appendChild(element("span", "p-publication", doc.s));
    }
    if (doc.x) li.appendChild(excerpt(doc.x, highlight));
    if (doc.g && doc.g.length) {
      const tags = li.appendChild(element("ul", "tags"));
      tags.setAttribute("aria-label", strings.tags || "");
      for (const name of doc.g) {
        const button = tags.appendChild(element("li")).appendChild(element("button", "tag-filter", name));
        button.type = "button";
        button.dataset.tag = name;
      }
    }
    return li;
  }

  const format = (template, values) => (template || "").replace(/%\((\w+)\)[ds]/g, (all, name) => values[name] ?? all);

  let generation = 0;
  let current = null; // The last query's results and how far they are shown.

  /**
   * Shows more of `state` (the current query), SCREEN_STEP results at a time while the end of the list
   * is on screen, up to the end of its page: only the results a reader can see cost a fragment. Items
   * come in rank order, phrases checked on the fragment's text. A new query's first item replaces the
   * previous query's list, so that typing never blanks it.
   */
  async function showMore(state, replace = false) {
    if (state.filling) return [];
    state.filling = true;
    const added = [];
    if (replace && !state.result.phrases.length) showStatus(state); // The count is known already.
    while (state.shown < state.pageEnd && state.next < state.result.ids.length) {
      if (added.length && !listEndOnScreen()) break;
      const batch = state.result.ids.slice(state.next, state.next + Math.min(SCREEN_STEP, state.pageEnd - state.shown));
      state.next += batch.length;
      for (const pending of batch.map(fragment)) {
        const doc = await pending;
        if (state !== current) return [];
        const text = doc && (doc.t || "") + "\n" + (doc.x || "");
        if (!doc || !state.result.phrases.every((phrase) => hasPhrase(text, phrase))) continue;
        const node = item(doc, state.result.highlight);
        if (replace && !added.length) list.replaceChildren(node);
        else list.append(node);
        added.push(node);
        state.shown += 1;
        for (const name of doc.g || []) state.tags.set(name, (state.tags.get(name) || 0) + 1);
      }
    }
    if (replace && !added.length) list.replaceChildren();
    state.filling = false;
    more.hidden = state.shown < state.pageEnd || state.next >= state.result.ids.length;
    showStatus(state);
    return added;
  }

  // The rest of a page comes when the end of the list is scrolled into view (or would be in a taller
  // window): SCREEN_MARGIN ahead, so that a reader scrolling at reading speed never waits for it.
  const listEndOnScreen = () => list.getBoundingClientRect().bottom < window.innerHeight + SCREEN_MARGIN;
  const listEnd = document.createElement("div");
  list.after(listEnd);
  new IntersectionObserver((entries) => {
    if (current && entries.some((entry) => entry.isIntersecting)) showMore(current);
  }, { rootMargin: `0px 0px ${SCREEN_MARGIN}px 0px` }).observe(listEnd);

  function showStatus(state) {
    const { result } = state;
    // With a phrase, only the results checked so far are known: while candidates remain, a lower bound.
    const phrased = result.phrases.length > 0;
    const exact = !phrased || state.next >= result.ids.length;
    const num = phrased ? state.shown : result.ids.length;
    if (result.empty) {
      status.textContent = strings.empty || "";
    } else if (!num) {
      status.textContent = format(strings.none, { query: result.display });
    } else {
      const plural = num === 1 ? "One" : "Many";
      const template = exact ? strings[plural.toLowerCase()] : strings["atLeast" + plural];
      status.textContent = format(template, { num, query: result.display });
    }
    const notes = result.corrections.map(({ word, used }) => format(strings.corrected, { typed: word, used }));
    if (result.partial && num) notes.push(strings.partial || "");
    note.textContent = notes.join(" ");
    note.hidden = notes.length === 0;
    showFilters(state);
  }

  function fillSelect(select, options, chosen) {
    const first = select.options[0];
    select.replaceChildren(first);
    for (const [value, label] of options) {
      const option = select.appendChild(element("option", "", label));
      option.value = String(value);
    }
    select.value = String(chosen || "");
  }

  function showFilters(state) {
    const { result } = state;
    const years = [...result.years].sort((a, b) => b[0] - a[0]).map(([year, count]) => [year, `${year} (${count})`]);
    if (state.year && !result.years.has(state.year)) years.unshift([state.year, String(state.year)]);
    fillSelect(yearSelect, years, state.year);
    const tags = [...state.tags].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => [name, name]);
    if (state.tag && !state.tags.has(state.tag)) tags.unshift([state.tag, state.tag]);
    fillSelect(tagSelect, tags, state.tag);
    filters.hidden = result.empty || (!state.shown && !state.year && !state.tag);
  }

  // Keeps ?q= (and the filters) in the address bar: reloading or bookmarking shows the same results.
  function remember(text, year, tag) {
    const params = new URLSearchParams();
    if (text) params.set("q", text);
    if (year) params.set("year", String(year));
    if (tag) params.set("tag", tag);
    const encoded = params.toString();
    try {
      history.replaceState(history.state, "", location.pathname + (encoded ? "?" + encoded : "") + location.hash);
    } catch (error) {
      // Some browsers refuse replaceState on file:// URLs; the live results work without it.
    }
  }

  async function run({ typing = false } = {}) {
    const number = ++generation;
    const text = input.value;
    const year = Number(yearSelect.value) || 0;
    const tag = tagSelect.value;
    remember(text.trim(), year, tag);
    const result = await search(text, { typing, year, tag });
    if (number !== generation) return;
    current = { result, next: 0, shown: 0, pageEnd: PAGE_SIZE, filling: false, tags: new Map(), year, tag };
    await showMore(current, true);
  }

  // No debounce: a run does little before it waits for a file, and a newer keystroke's run makes the
  // older ones drop their results there. Measured at 10,000 articles, a 40 ms debounce made the first
  // change after a key 45-80 ms; without it, 7-46 ms, for the same files loaded.
  input.addEventListener("input", () => run({ typing: true }));
  // Already on the results page: submitting needs no reload.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  yearSelect.addEventListener("change", () => run());
  tagSelect.addEventListener("change", () => run());
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button.tag-filter");
    if (!button) return;
    fillSelect(tagSelect, [[button.dataset.tag, button.dataset.tag]], button.dataset.tag);
    run().then(() => input.focus());
  });
  more.addEventListener("click", async () => {
    current.pageEnd = current.shown + PAGE_SIZE;
    const added = await showMore(current);
    const link = added.length && added[0].querySelector("a");
    if (link) link.focus(); // Keyboard readers continue from the first new result.
  });

  // Arrow keys walk from the box through the result titles; Tab works as everywhere.
  const titles = () => [...list.querySelectorAll(".p-name a")];
  input.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" || !titles().length) return;
    event.preventDefault();
    titles()[0].focus();
  });
  list.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const all = titles();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    const next = at + (event.key === "ArrowDown" ? 1 : -1);
    if (next < 0) input.focus();
    else all[Math.min(next, all.length - 1)].focus();
  });

  // meta.js comes first, whatever the reader does next.
  const metaLoaded = loadMeta();
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const [select, name] of [[yearSelect, "year"], [tagSelect, "tag"]]) {
    const value = params.get(name);
    if (value) fillSelect(select, [[value, value]], value);
  }
  if (input.value.trim()) run();
  else status.textContent = strings.empty || "";

  // The code points Python's unicodedata.combining() gives a non-zero class (Unicode 14, as CPython 3.11),
  // as ranges for a regular-expression class. Made by:
  //   python -c "import unicodedata as u; print(''.join(f'\\u{{{c:x}}}' for c in range(0x20000) if u.combining(chr(c))))"
  // then runs of consecutive code points joined as ranges.
  function combiningClasses() {
    return (
      "\\u{300}-\\u{34e}\\u{350}-\\u{36f}\\u{483}-\\u{487}\\u{591}-\\u{5bd}\\u{5bf}\\u{5c1}-\\u{5c2}" +
      "\\u{5c4}-\\u{5c5}\\u{5c7}\\u{610}-\\u{61a}\\u{64b}-\\u{65f}\\u{670}\\u{6d6}-\\u{6dc}\\u{6df}-\\u{6e4}" +
      "\\u{6e7}-\\u{6e8}\\u{6ea}-\\u{6ed}\\u{711}\\u{730}-\\u{74a}\\u{7eb}-\\u{7f3}\\u{7fd}\\u{816}-\\u{819}" +
      "\\u{81b}-\\u{823}\\u{825}-\\u{827}\\u{829}-\\u{82d}\\u{859}-\\u{85b}\\u{898}-\\u{89f}\\u{8ca}-\\u{8e1}" +
      "\\u{8e3}-\\u{8ff}\\u{93c}\\u{94d}\\u{951}-\\u{954}\\u{9bc}\\u{9cd}\\u{9fe}\\u{a3c}\\u{a4d}\\u{abc}\\u{acd}" +
      "\\u{b3c}\\u{b4d}\\u{bcd}\\u{c3c}\\u{c4d}\\u{c55}-\\u{c56}\\u{cbc}\\u{ccd}\\u{d3b}-\\u{d3c}\\u{d4d}\\u{dca}" +
      "\\u{e38}-\\u{e3a}\\u{e48}-\\u{e4b}\\u{eb8}-\\u{eba}\\u{ec8}-\\u{ecb}\\u{f18}-\\u{f19}\\u{f35}\\u{f37}\\u{f39}" +
      "\\u{f71}-\\u{f72}\\u{f74}\\u{f7a}-\\u{f7d}\\u{f80}\\u{f82}-\\u{f84}\\u{f86}-\\u{f87}\\u{fc6}\\u{1037}" +
      "\\u{1039}-\\u{103a}\\u{108d}\\u{135d}-\\u{135f}\\u{1714}-\\u{1715}\\u{1734}\\u{17d2}\\u{17dd}\\u{18a9}" +
      "\\u{1939}-\\u{193b}\\u{1a17}-\\u{1a18}\\u{1a60}\\u{1a75}-\\u{1a7c}\\u{1a7f}\\u{1ab0}-\\u{1abd}" +
      "\\u{1abf}-\\u{1ace}\\u{1b34}\\u{1b44}\\u{1b6b}-\\u{1b73}\\u{1baa}-\\u{1bab}\\u{1be6}\\u{1bf2}-\\u{1bf3}" +
      "\\u{1c37}\\u{1cd0}-\\u{1cd2}\\u{1cd4}-\\u{1ce0}\\u{1ce2}-\\u{1ce8}\\u{1ced}\\u{1cf4}\\u{1cf8}-\\u{1cf9}" +
      "\\u{1dc0}-\\u{1dff}\\u{20d0}-\\u{20dc}\\u{20e1}\\u{20e5}-\\u{20f0}\\u{2cef}-\\u{2cf1}\\u{2d7f}" +
      "\\u{2de0}-\\u{2dff}\\u{302a}-\\u{302f}\\u{3099}-\\u{309a}\\u{a66f}\\u{a674}-\\u{a67d}\\u{a69e}-\\u{a69f}" +
      "\\u{a6f0}-\\u{a6f1}\\u{a806}\\u{a82c}\\u{a8c4}\\u{a8e0}-\\u{a8f1}\\u{a92b}-\\u{a92d}\\u{a953}\\u{a9b3}" +
      "\\u{a9c0}\\u{aab0}\\u{aab2}-\\u{aab4}\\u{aab7}-\\u{aab8}\\u{aabe}-\\u{aabf}\\u{aac1}\\u{aaf6}\\u{abed}" +
      "\\u{fb1e}\\u{fe20}-\\u{fe2f}\\u{101fd}\\u{102e0}\\u{10376}-\\u{1037a}\\u{10a0d}\\u{10a0f}" +
      "\\u{10a38}-\\u{10a3a}\\u{10a3f}\\u{10ae5}-\\u{10ae6}\\u{10d24}-\\u{10d27}\\u{10eab}-\\u{10eac}" +
      "\\u{10f46}-\\u{10f50}\\u{10f82}-\\u{10f85}\\u{11046}\\u{11070}\\u{1107f}\\u{110b9}-\\u{110ba}" +
      "\\u{11100}-\\u{11102}\\u{11133}-\\u{11134}\\u{11173}\\u{111c0}\\u{111ca}\\u{11235}-\\u{11236}" +
      "\\u{112e9}-\\u{112ea}\\u{1133b}-\\u{1133c}\\u{1134d}\\u{11366}-\\u{1136c}\\u{11370}-\\u{11374}\\u{11442}" +
      "\\u{11446}\\u{1145e}\\u{114c2}-\\u{114c3}\\u{115bf}-\\u{115c0}\\u{1163f}\\u{116b6}-\\u{116b7}\\u{1172b}" +
      "\\u{11839}-\\u{1183a}\\u{1193d}-\\u{1193e}\\u{11943}\\u{119e0}\\u{11a34}\\u{11a47}\\u{11a99}\\u{11c3f}" +
      "\\u{11d42}\\u{11d44}-\\u{11d45}\\u{11d97}\\u{16af0}-\\u{16af4}\\u{16b30}-\\u{16b36}\\u{16ff0}-\\u{16ff1}" +
      "\\u{1bc9e}\\u{1d165}-\\u{1d169}\\u{1d16d}-\\u{1d172}\\u{1d17b}-\\u{1d182}\\u{1d185}-\\u{1d18b}" +
      "\\u{1d1aa}-\\u{1d1ad}\\u{1d242}-\\u{1d244}\\u{1e000}-\\u{1e006}\\u{1e008}-\\u{1e018}\\u{1e01b}-\\u{1e021}" +
      "\\u{1e023}-\\u{1e024}\\u{1e026}-\\u{1e02a}\\u{1e130}-\\u{1e136}\\u{1e2ae}\\u{1e2ec}-\\u{1e2ef}" +
      "\\u{1e8d0}-\\u{1e8d6}\\u{1e944}-\\u{1e94a}"
    );
  }
})();
