// The tag index's filter box: as one types, only the tags whose name holds the typed letters stay,
// whatever their case and accents ("cote" finds "Côte d'Ivoire"); folded groups that hold one open,
// groups and jump links left with none are hidden, and the count is announced. Without JavaScript
// the stylesheet hides the box and the whole index reads as it is.
(() => {
  const box = document.querySelector(".index-filter");
  const input = document.getElementById("index-filter");
  const status = document.getElementById("index-filter-status");
  const index = document.getElementById("tag-index");
  if (!box || !input || !status || !index) return;
  // As chronique.text.fold: no accents, no case, the ligatures spelled out ("Œuvre" -> "oeuvre"); then
  // apostrophes, hyphens and other signs as spaces, so that "cote d'i" finds "Côte d’Ivoire".
  const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const items = [...index.querySelectorAll("li")].map((item) => [item, fold(item.querySelector("a").textContent)]);
  const groups = [...index.querySelectorAll(".tag-group")].reverse(); // inner groups before the outer ones
  const folds = [...index.querySelectorAll("details")];
  const jumps = [...document.querySelectorAll(".jump-links li")];
  const plural = new Intl.PluralRules(document.documentElement.lang);
  let wasOpen = null; // each fold's state before filtering, given back when the box is emptied

  function filter() {
    const query = fold(input.value);
    let shown = 0;
    for (const [item, name] of items) {
      item.hidden = !name.includes(query);
      if (!item.hidden) shown += 1;
    }
    if (query && wasOpen === null) wasOpen = folds.map((details) => details.open);
    folds.forEach((details, at) => {
      const holds = details.querySelector("li:not([hidden])") !== null;
      details.hidden = !holds;
      details.open = query ? holds : wasOpen ? wasOpen[at] : details.open;
    });
    if (!query) wasOpen = null;
    for (const group of groups) group.hidden = query !== "" && group.querySelector("li:not([hidden])") === null;
    for (const jump of jumps) {
      const target = document.getElementById(decodeURIComponent(jump.querySelector("a").hash.slice(1)));
      jump.hidden = target !== null && target.hidden;
    }
    const message = plural.select(shown) === "one" ? box.dataset.one : box.dataset.many;
    status.textContent = message.replace("%(num)d", shown);
  }

  input.addEventListener("input", filter);
  if (input.value) filter(); // a value the browser kept on going back
})();
