/* Chronique search, run by search.html against window.CHRONIQUE_SEARCH. The index is
   loaded by a <script> tag because fetch() of local files is blocked on file://. */
(() => {
  "use strict";

  const MAX_RESULTS = 50;
  const DEBOUNCE_MS = 150;
  const root = document.getElementById("search");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const input = document.getElementById("search-q");
  if (!root || !status || !list) return;

  // Mirrors chronique.text.fold(), so query terms compare equal to the indexed words.
  const fold = (text) => String(text || "")
    .replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/æ/g, "ae").replace(/Æ/g, "AE")
    .toLowerCase().replace(/ß/g, "ss")
    .normalize("NFKD").replace(/\p{M}/gu, "");

  // Splitting on anything but letters and digits also breaks "garde-côtes" and "l'intérieur",
  // so a query word finds the parts however the text glued them together.
  const words = (text) => fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

  // A field becomes " w1 w2 …", so indexOf(" " + term) is a native prefix search over all its words.
  const field = (parts) => " " + words(parts.join(" ")).join(" ");

  const source = Array.isArray(window.CHRONIQUE_SEARCH) ? window.CHRONIQUE_SEARCH : [];
  const documents = source.map((doc, order) => ({
    doc,
    order,
    title: field([doc.t]),
    tags: field(doc.g || []),
    text: field([doc.s, doc.x]),
  }));

  const terms = (query) => words(query).filter((term) => term.length >= 2);

  // Every term must start some word; a title hit weighs 3, a tag 2, the summary or text 1.
  function score(entry, queryTerms) {
    let total = 0;
    for (const term of queryTerms) {
      const needle = " " + term;
      const hit = (entry.title.includes(needle) ? 3 : 0)
        + (entry.tags.includes(needle) ? 2 : 0)
        + (entry.text.includes(needle) ? 1 : 0);
      if (!hit) return 0;
      total += hit;
    }
    return total;
  }

  function search(queryTerms) {
    const hits = [];
    for (const entry of documents) {
      const value = score(entry, queryTerms);
      if (value) hits.push({ entry, value });
    }
    // The index is newest first, so its order breaks ties in favour of recent articles.
    hits.sort((a, b) => b.value - a.value || a.entry.order - b.entry.order);
    return hits.map((hit) => hit.entry.doc);
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // textContent only: titles and summaries come from archived pages and are not trusted markup.
  function item(doc) {
    const li = element("li", "h-entry");
    const link = li.appendChild(element("h2", "p-name")).appendChild(element("a", "u-url", doc.t));
    link.href = doc.u;  // Paths are from the site root, which is where search.html lives.
    li.appendChild(element("p", "meta")).appendChild(element("time", "dt-published", doc.d));
    if (doc.s) li.appendChild(element("p", "p-summary", doc.s));
    return li;
  }

  function statusText(queryTerms, count) {
    if (!queryTerms.length) return root.dataset.empty || "";
    if (!count) return root.dataset.none || "";
    const template = (count === 1 ? root.dataset.one : root.dataset.many) || "%(num)d";
    return template.replace("%(num)d", count);
  }

  function show(query) {
    const queryTerms = terms(query);
    const results = queryTerms.length ? search(queryTerms) : [];
    const fragment = document.createDocumentFragment();
    for (const doc of results.slice(0, MAX_RESULTS)) fragment.appendChild(item(doc));
    list.textContent = "";
    list.appendChild(fragment);
    status.textContent = statusText(queryTerms, results.length);
  }

  // Keeps ?q= in the address bar, so reloading, bookmarking or going back shows the same results.
  function remember(query) {
    const params = new URLSearchParams(location.search);
    if (query) params.set("q", query); else params.delete("q");
    const encoded = params.toString();
    try {
      history.replaceState(history.state, "", location.pathname + (encoded ? "?" + encoded : "") + location.hash);
    } catch (error) {
      // Some browsers refuse replaceState on file:// URLs; the live results work without it.
    }
  }

  function update() {
    show(input.value);
    remember(input.value.trim());
  }

  const initial = new URLSearchParams(location.search).get("q") || "";
  if (input) {
    input.value = initial;
    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, DEBOUNCE_MS);
    });
    // Already on the results page: submitting again needs no reload.
    if (input.form) {
      input.form.addEventListener("submit", (event) => {
        event.preventDefault();
        clearTimeout(timer);
        update();
      });
    }
  }
  show(initial);
})();
