/* wardsite search: the results page of the archive, offline.
 *
 * Works from file://, so: no fetch, no XHR, no worker, no WebAssembly. The
 * index (built by wardsite/search.py) is a set of scripts that call
 * wardsearch.core / .tokens / .meta; this file adds them with <script> tags
 * when a query needs them. Article text only ever reaches the page through
 * textContent and createTextNode.
 */
(function () {
  "use strict";

  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = {};
  for (var d = 0; d < DIGITS.length; d++) VALUE[DIGITS[d]] = d;
  var TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;
  var WORD = /[\p{L}\p{N}_]+/gu;
  var PAGE_SIZE = 20;

  /* Text: the same as wardsite.text.fold / words and wardsite.search.exact_form. */

  function fold(text) {
    return text.normalize("NFC").toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/\p{Mn}/gu, "");
  }

  function words(text) {
    return text.normalize("NFC").toLowerCase().match(WORD) || [];
  }

  function exactForm(word) {
    var decomposed = word.normalize("NFD");
    var tones = (decomposed.match(TONES) || []).join("");
    return decomposed.replace(TONES, "").normalize("NFC") + tones;
  }

  function decodeNumbers(code) {
    var numbers = [], value = 0, shift = 0;
    for (var i = 0; i < code.length; i++) {
      var v = VALUE[code[i]];
      value += (v & 31) * Math.pow(2, shift);
      shift += 5;
      if (v < 32) { numbers.push(value); value = 0; shift = 0; }
    }
    return numbers;
  }

  function decodeIds(code) {
    var gaps = decodeNumbers(code), previous = -1;
    for (var i = 0; i < gaps.length; i++) { previous += gaps[i] + 1; gaps[i] = previous; }
    return gaps;
  }

  /* Loading the index: one <script> per file, each loaded once. */

  var index = { core: null, shards: {}, meta: {} };
  var loading = {};
  var base = null;

  function load(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL(name, base).href;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("cannot load " + name)); };
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  var api = {
    fold: fold,
    words: words,
    exactForm: exactForm,
    core: function (data) {
      var numbers = decodeNumbers(data.articles);
      data.ward = new Uint16Array(data.count);
      data.category = new Uint16Array(data.count);
      data.year = new Uint16Array(data.count);
      for (var i = 0; i < data.count; i++) {
        data.ward[i] = numbers[3 * i];
        data.category[i] = numbers[3 * i + 1];
        data.year[i] = numbers[3 * i + 2];
      }
      data.splitSet = new Set(data.split);
      index.core = data;
    },
    tokens: function (key, data) { index.shards[key] = data; },
    meta: function (start, docs) {
      for (var i = 0; i < docs.length; i++) index.meta[start + i] = docs[i];
    },
    timing: { input: 0, shown: 0, query: null }
  };
  window.wardsearch = api;

  /* Matching and ranking. */

  function parseQuery(q) {
    var list = words(q), open = !/\s$/.test(q);
    return list.map(function (w, i) {
      var folded = fold(w);
      var exact = exactForm(w);
      return { folded: folded, exact: exact, marked: exact !== folded, prefix: open && i === list.length - 1 && folded.length >= 2 };
    });
  }

  function shardKey(folded) {
    return index.core.splitSet.has(folded.slice(0, 2)) ? folded.slice(0, 3) : folded.slice(0, 2);
  }

  function shardsFor(term) {
    var names = index.core.shards, keys = [], own = shardKey(term.folded);
    if (names[own]) keys.push(own);
    if (term.prefix) {
      for (var key in names) if (key !== own && key.indexOf(term.folded) === 0) keys.push(key);
    }
    return keys;
  }

  var decoded = new Map();
  function ids(code) {
    var found = decoded.get(code);
    if (!found) { found = decodeIds(code); decoded.set(code, found); }
    return found;
  }

  /* Best score of each article for one term: the exact spelling (when the
   * reader typed marks: dương is not đường) over a strong field (title, ward,
   * category, tasks), that over the body, the whole word over a prefix.
   * 0 = no match. */
  function scores(term) {
    var best = new Float32Array(index.core.count);
    shardsFor(term).forEach(function (key) {
      var shard = index.shards[key];
      for (var token in shard) {
        var whole = token === term.folded;
        if (!whole && !(term.prefix && token.indexOf(term.folded) === 0)) continue;
        var forms = shard[token];
        for (var form in forms) {
          var s = 1 + (whole ? 1 : 0) + (term.marked && form === term.exact ? 5 : 0);
          var strong = ids(forms[form][0]), body = ids(forms[form][1]), i;
          for (i = 0; i < strong.length; i++) if (best[strong[i]] < s + 3) best[strong[i]] = s + 3;
          for (i = 0; i < body.length; i++) if (best[body[i]] < s) best[body[i]] = s;
        }
      }
    });
    return best;
  }

  function matches(terms, filters) {
    var core = index.core, total = null;
    terms.forEach(function (term) {
      var best = scores(term);
      if (!total) { total = best; return; }
      for (var i = 0; i < total.length; i++) total[i] = best[i] && total[i] ? total[i] + best[i] : 0;
    });
    var found = [], counts = { ward: {}, category: {}, year: {} };
    for (var i = 0; i < core.count; i++) {
      if (total && !total[i]) continue;
      ["ward", "category", "year"].forEach(function (f) { counts[f][core[f][i]] = (counts[f][core[f][i]] || 0) + 1; });
      if (filters.ward >= 0 && core.ward[i] !== filters.ward) continue;
      if (filters.category >= 0 && core.category[i] !== filters.category) continue;
      if (filters.year >= 0 && core.year[i] !== filters.year) continue;
      found.push(i);
    }
    if (total) found.sort(function (a, b) { return total[b] - total[a] || a - b; });
    return { ids: found, counts: counts };
  }

  function termMatches(terms, word) {
    var folded = fold(word);
    return terms.some(function (t) { return folded === t.folded || (t.prefix && folded.indexOf(t.folded) === 0); });
  }

  /* Showing results: DOM nodes only, never innerHTML. */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function highlighted(parent, text, terms) {
    var last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      if (!termMatches(terms, m[0])) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      parent.appendChild(el("mark", null, m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function countMatches(text, terms) {
    var n = 0;
    (text.match(WORD) || []).forEach(function (w) { if (termMatches(terms, w)) n++; });
    return n;
  }

  /* The part of a short text around its first match. */
  function snippetText(text, terms) {
    WORD.lastIndex = 0;
    var m;
    while ((m = WORD.exec(text))) {
      if (termMatches(terms, m[0])) break;
    }
    if (!m || m.index < 60) return text;
    var start = text.lastIndexOf(" ", m.index - 40);
    return "…" + text.slice(start + 1);
  }

  function resultItem(id, terms) {
    var core = index.core, doc = index.meta[id];
    var title = doc[0];
    var item = el("li", "result");
    var heading = el("h2", "result-title");
    var link = highlighted(el("a"), title, terms);
    link.href = new URL(doc[1], api.root).href;
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = el("p", "meta");
    highlighted(meta, core.wards[core.ward[id]][1], terms);
    meta.appendChild(document.createTextNode(" · " + doc[2] + " · "));
    highlighted(meta, core.categories[core.category[id]][1], terms);
    item.appendChild(meta);
    var snippet = doc[3];
    if (snippet) item.appendChild(highlighted(el("p", "snippet"), snippetText(snippet, terms), terms));
    var bestTask = null, bestCount = 0;
    doc[4].forEach(function (task) {
      var text = task[0], assignee = task[1] || "";
      var n = countMatches(text + " " + assignee, terms);
      if (n > bestCount) { bestTask = [text, assignee]; bestCount = n; }
    });
    if (bestTask) {
      var p = el("p", "matched-task");
      p.appendChild(el("span", "matched-task-label", "Khớp nhiệm vụ: "));
      if (bestTask[1]) highlighted(p.appendChild(el("strong", "assignee")), bestTask[1] + ": ", terms);
      highlighted(p, bestTask[0], terms);
      item.appendChild(p);
    }
    return item;
  }

  function metaFiles(list) {
    var core = index.core, names = {};
    list.forEach(function (id) { names[core.meta[Math.floor(id / core.metaSize)]] = true; });
    return Object.keys(names);
  }

  /* The page: the header's search box, the filters, the results. */

  var ui = {};
  var current = 0;
  var state = { q: "", shown: 0, found: null, terms: [] };

  function filterValues() {
    var core = index.core;
    function find(list, value, key) {
      for (var i = 0; i < list.length; i++) if (String(key(list[i])) === value) return i;
      return -1;
    }
    return {
      ward: find(core.wards, ui.ward.value, function (w) { return w[0]; }),
      category: find(core.categories, ui.category.value, function (c) { return c[0]; }),
      year: find(core.years, ui.year.value, function (y) { return y; })
    };
  }

  function updateCounts(counts, searching) {
    var core = index.core;
    [["ward", core.wards, function (w) { return w[0]; }], ["category", core.categories, function (c) { return c[0]; }], ["year", core.years, function (y) { return String(y); }]].forEach(function (f) {
      var select = ui[f[0]];
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.dataset.label) option.dataset.label = option.textContent;
        if (!option.value) return;
        if (!searching) { option.textContent = option.dataset.label; return; }
        var n = -1;
        f[1].forEach(function (item, i) { if (f[2](item) === option.value) n = counts[f[0]][i] || 0; });
        option.textContent = option.dataset.label + " (" + Math.max(n, 0) + ")";
      });
    });
  }

  function remember(q) {
    var params = new URLSearchParams();
    if (q) params.set("q", q);
    ["ward", "year", "category"].forEach(function (f) { if (ui[f].value) params.set(ui[f].name, ui[f].value); });
    try {
      history.replaceState(null, "", "?" + params.toString());
    } catch (e) {
      /* Some browsers refuse to change a file:// address; the results still show. */
    }
  }

  function say(text) {
    ui.status.textContent = text;
  }

  async function showMore(seq) {
    var next = state.found.slice(state.shown, state.shown + PAGE_SIZE);
    await Promise.all(metaFiles(next).map(load));
    if (seq !== current) return;
    next.forEach(function (id) { ui.list.appendChild(resultItem(id, state.terms)); });
    state.shown += next.length;
    ui.more.hidden = state.shown >= state.found.length;
  }

  async function search() {
    var seq = ++current, q = ui.box.value, terms = parseQuery(q);
    remember(q);
    await load(api.coreFile);
    var filters = filterValues(), filtering = filters.ward >= 0 || filters.year >= 0 || filters.category >= 0;
    if (!terms.length && !filtering) {
      if (seq !== current) return;
      ui.list.textContent = "";
      ui.more.hidden = true;
      updateCounts(null, false);
      say("Gõ từ cần tìm vào ô tìm kiếm, có dấu hay không dấu đều được, ví dụ: duc giang.");
      shown(q);
      return;
    }
    var keys = {};
    terms.forEach(function (t) { shardsFor(t).forEach(function (k) { keys[index.core.shards[k]] = true; }); });
    await Promise.all(Object.keys(keys).map(load));
    if (seq !== current) return;
    var result = matches(terms, filters);
    state = { q: q, shown: 0, found: result.ids, terms: terms };
    updateCounts(result.counts, terms.length > 0);
    ui.list.textContent = "";
    var about = q.trim() ? " cho “" + q.trim() + "”" : "";
    say(result.ids.length ? "Tìm thấy " + result.ids.length.toLocaleString("vi") + " bài viết" + about + "." : "Không tìm thấy bài viết nào" + about + ". Hãy thử bớt một từ hoặc bỏ bộ lọc.");
    await showMore(seq);
    if (seq !== current) return;
    shown(q);
  }

  /* Marks the results as on screen once the browser has painted them. */
  function shown(q) {
    requestAnimationFrame(function () {
      setTimeout(function () {
        api.timing.shown = performance.now();
        api.timing.query = q;
        ui.results.dataset.query = q;
      }, 0);
    });
  }

  function run() {
    search().catch(function (error) {
      say("Không tải được chỉ mục tìm kiếm. Hãy xây dựng lại trang web.");
      throw error;
    });
  }

  function start() {
    var app = document.getElementById("search-app");
    if (!app) return;
    base = new URL(app.dataset.core, location.href);
    api.coreFile = base.href;
    api.root = new URL(app.dataset.root, location.href);
    ui = {
      results: app,
      box: document.getElementById("search-box"),
      form: document.getElementById("search-box").form,
      filters: document.getElementById("search-filters"),
      ward: document.getElementById("filter-ward"),
      year: document.getElementById("filter-year"),
      category: document.getElementById("filter-category"),
      status: document.getElementById("search-status"),
      list: document.getElementById("search-list"),
      more: document.getElementById("search-more")
    };
    var params = new URLSearchParams(location.search);
    ui.box.value = params.get("q") || "";
    ["ward", "year", "category"].forEach(function (f) { ui[f].value = params.get(ui[f].name) || ""; });
    ui.filters.hidden = false;
    ui.box.addEventListener("input", function () { api.timing.input = performance.now(); run(); });
    ui.form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    ui.filters.addEventListener("change", run);
    ui.filters.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    ui.more.addEventListener("click", function () { showMore(current); });
    if (!ui.box.value) ui.box.focus();
    run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
