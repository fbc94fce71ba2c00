// Draws an Attune report from the JSON in #report-data: facts, plotly.js figures, and tables that sort and page here
// (one page of rows in the DOM at a time, so a 10,000-trial study stays quick). Sets <body data-ready="1"> when every
// figure has drawn, "error" when one failed (tests wait on it).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var main = document.getElementById("report");

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function section(id, title, note) {
    var s = el("section", { id: "section-" + id });
    s.appendChild(el("h2", null, title));
    if (note) s.appendChild(el("p", { "class": "note" }, note));
    main.appendChild(s);
    return s;
  }
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? v.toPrecision(6).replace(/\.?0+$/, "") : v.toExponential(4));
    return String(v);
  }

  // Facts.
  var facts = section("facts", "Summary");
  var ft = el("table", { "class": "facts" });
  data.facts.forEach(function (f) { var tr = el("tr"); tr.appendChild(el("th", null, f[0])); tr.appendChild(el("td", null, f[1])); ft.appendChild(tr); });
  facts.appendChild(ft);

  // Figures. WebGL traces fall back to SVG ones where the browser has no WebGL (parallel coordinates need it).
  var webgl = (function () { try { var c = document.createElement("canvas"); return !!(window.WebGLRenderingContext && (c.getContext("webgl") || c.getContext("experimental-webgl"))); } catch (e) { return false; } })();
  var plots = data.figures.map(function (f) {
    var s = section(f.id, f.title, f.note);
    var div = el("div", { id: f.id, "class": "chart" });
    s.appendChild(div);
    if (!webgl) f.data.forEach(function (t) { if (t.type === "scattergl") t.type = "scatter"; });
    if (!webgl && f.data.some(function (t) { return t.type === "parcoords"; })) {
      div.appendChild(el("p", { "class": "chart-error" }, "This chart needs WebGL, which this browser has switched off."));
      return Promise.resolve();
    }
    return Plotly.newPlot(div, f.data, f.layout, { responsive: true, displaylogo: false });
  });

  // Tables.
  data.tables.forEach(function (t) {
    var s = section(t.id, t.title, t.note);
    var rows = t.rows.slice(), pageSize = t.pageSize, page = 0, sortColumn = -1, ascending = true;
    var numeric = t.columns.map(function (_, c) { return t.rows.every(function (r) { return r[c] === null || typeof r[c] === "number"; }); });
    var pager = el("div", { "class": "pager" });
    var prev = el("button", { type: "button" }, "\u2190"), next = el("button", { type: "button" }, "\u2192"), where = el("span");
    pager.appendChild(prev); pager.appendChild(where); pager.appendChild(next);
    var wrap = el("div", { "class": "table-wrap" }), table = el("table", { id: "table-" + t.id }), head = el("tr"), body = el("tbody");
    t.columns.forEach(function (c, i) {
      var th = el("th", null, c);
      th.addEventListener("click", function () {
        ascending = sortColumn === i ? !ascending : true; sortColumn = i;
        rows.sort(function (a, b) {
          var x = a[i], y = b[i];
          if (x === y) return 0;
          if (x === null || x === "") return 1; if (y === null || y === "") return -1; // blanks last either way
          var d = numeric[i] ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
          return ascending ? d : -d;
        });
        Array.prototype.forEach.call(head.children, function (h, j) { h.className = j === i ? (ascending ? "sorted-asc" : "sorted-desc") : ""; });
        page = 0; draw();
      });
      head.appendChild(th);
    });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead); table.appendChild(body);
    wrap.appendChild(table);
    function pages() { return Math.max(1, Math.ceil(rows.length / pageSize)); }
    function draw() {
      var frag = document.createDocumentFragment();
      rows.slice(page * pageSize, (page + 1) * pageSize).forEach(function (r) {
        var tr = el("tr", { "class": t.id === "trials" ? String(r[1]) : "" });
        r.forEach(function (v, i) { tr.appendChild(el("td", numeric[i] ? { "class": "num" } : null, fmt(v))); });
        frag.appendChild(tr);
      });
      body.replaceChildren(frag);
      where.textContent = "rows " + (rows.length === 0 ? 0 : page * pageSize + 1) + "\u2013" + Math.min(rows.length, (page + 1) * pageSize) + " of " + rows.length + " (page " + (page + 1) + " of " + pages() + ")";
      prev.disabled = page === 0; next.disabled = page >= pages() - 1;
    }
    prev.addEventListener("click", function () { if (page > 0) { page--; draw(); } });
    next.addEventListener("click", function () { if (page < pages() - 1) { page++; draw(); } });
    draw();
    if (rows.length > pageSize) s.appendChild(pager);
    s.appendChild(wrap);
  });

  Promise.all(plots).then(function () { document.body.dataset.ready = "1"; },
    function (e) { console.error("A report chart failed to draw: " + (e && e.message ? e.message : e)); document.body.dataset.ready = "error"; });
})();
