/* auditreport: report.html in a browser. Inlined by auditreport.report.html; WeasyPrint runs no script, so the PDF
   never sees any of this. Progressive enhancement only: every table and every finding is in the page without it.
   It adds, at load:
   - a sort button in each header cell of the data tables (table.list, table.evidence), with aria-sort on the
     sorted column; numbers, sizes and times sort by value, statuses and severities by their rank (data-sort);
   - a filter box above each data table of more than a few rows: rows holding every word typed stay;
   - above the findings, a filter by status, severity, domain and framework (data-* of each check).
   The filter controls carry the class "js-ui", which the print stylesheet hides, and a sort button prints as its
   header text; rows a filter hid print all the same (a printout is the whole report, never a filtered one). It
   fetches nothing, stores nothing, and changes nothing but this page. */
(function () {
  "use strict";

  var FILTER_MIN_ROWS = 6; // a filter box above tables with at least this many rows
  var SIZE_UNITS = { "": 1, "%": 1, "B": 1, "KiB": 1024, "MiB": 1048576, "GiB": 1073741824 };
  var NUMBER = /^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(%|B|KiB|MiB|GiB)?$/;
  var TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function squash(s) { return (s || "").replace(/\s+/g, " ").trim(); }

  // ---------- a table's records: one per tbody when its rows are grouped (data-record="tbody": an evidence row
  // with its lines and reason; or several tbodies), else one per row ----------
  function records(table) {
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (bodies.length > 1 || table.getAttribute("data-record") === "tbody") return bodies;
    return bodies.length ? Array.prototype.slice.call(bodies[0].rows) : [];
  }

  function keyRow(record) { return record.tagName === "TBODY" ? record.rows[0] : record; }

  // header cells that name one column, with that column's index in the table grid (rowspan and colspan counted)
  function headerColumns(table) {
    var taken = [], leaves = [];
    if (!table.tHead) return leaves;
    Array.prototype.forEach.call(table.tHead.rows, function (row, r) {
      var c = 0;
      taken[r] = taken[r] || [];
      Array.prototype.forEach.call(row.cells, function (cell) {
        while (taken[r][c]) c++;
        for (var dr = 0; dr < cell.rowSpan; dr++) {
          taken[r + dr] = taken[r + dr] || [];
          for (var dc = 0; dc < cell.colSpan; dc++) taken[r + dr][c + dc] = true;
        }
        if (cell.colSpan === 1) leaves.push({ th: cell, col: c });
        c += cell.colSpan;
      });
    });
    return leaves;
  }

  function cellAt(row, col) {
    var c = 0;
    for (var i = 0; i < row.cells.length; i++) {
      var cell = row.cells[i];
      if (col < c + cell.colSpan) return cell;
      c += cell.colSpan;
    }
    return null;
  }

  // what a cell sorts by: its own data-sort, its only child's (a status or severity badge), else its text
  function sortText(cell) {
    if (!cell) return "";
    if (cell.hasAttribute("data-sort")) return cell.getAttribute("data-sort");
    if (cell.children.length === 1 && cell.children[0].hasAttribute("data-sort") &&
        squash(cell.textContent) === squash(cell.children[0].textContent)) {
      return cell.children[0].getAttribute("data-sort");
    }
    return squash(cell.textContent);
  }

  function isEmpty(v) { return v === "" || v === "\u2014"; }

  function asNumber(v) {
    var m = NUMBER.exec(v);
    return m ? parseFloat(m[1].replace(/,/g, "")) * SIZE_UNITS[m[2] || ""] : null;
  }

  function asTime(v) {
    var m = TIME.exec(v);
    if (!m) return null;
    var zone = !m[3] || m[3] === "UTC" ? "Z" : m[3];
    var t = Date.parse(m[1] + "T" + (m[2] || "00:00") + zone);
    return isNaN(t) ? null : t;
  }

  // one comparison for the whole column (empty cells left out): by number when every value is one, by time
  // likewise, else as text with the digits in it compared as numbers ("item 9" before "item 10")
  function comparator(values) {
    var present = values.filter(function (v) { return !isEmpty(v); });
    var parse = [asNumber, asTime].filter(function (f) {
      return present.length > 0 && present.every(function (v) { return f(v) !== null; });
    })[0];
    var text = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    return function (a, b) { return parse ? parse(a) - parse(b) : text.compare(a, b); };
  }

  function sortBy(table, leaf, button) {
    var th = leaf.th;
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var recs = records(table);
    var keyed = recs.map(function (rec, i) { return { rec: rec, key: sortText(cellAt(keyRow(rec), leaf.col)), i: i }; });
    var compare = comparator(keyed.map(function (k) { return k.key; }));
    var sign = direction === "ascending" ? 1 : -1;
    keyed.sort(function (a, b) {
      var emptyLast = isEmpty(a.key) - isEmpty(b.key); // in either direction
      if (emptyLast || isEmpty(a.key)) return emptyLast || a.i - b.i;
      return sign * compare(a.key, b.key) || a.i - b.i;
    });
    var parent = recs[0].parentNode;
    keyed.forEach(function (k) { parent.appendChild(k.rec); });
    headerColumns(table).forEach(function (other) { other.th.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", direction);
    table.querySelectorAll(".sort-button").forEach(function (b) { b.removeAttribute("data-dir"); });
    button.setAttribute("data-dir", direction);
  }

  function addSortButtons(table) {
    if (records(table).length < 2) return;
    headerColumns(table).forEach(function (leaf) {
      var th = leaf.th;
      if (!squash(th.textContent)) return;
      var button = el("button", { "type": "button", "class": "sort-button" });
      while (th.firstChild) button.appendChild(th.firstChild);
      button.appendChild(el("span", { "class": "sort-mark", "aria-hidden": "true" }));
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, leaf, button); });
    });
  }

  function tableName(table) {
    if (table.caption) return squash(table.caption.textContent);
    return table.getAttribute("aria-label") || "this table";
  }

  function addFilterBox(table, index) {
    var recs = records(table);
    if (recs.length < FILTER_MIN_ROWS) return;
    var id = "table-filter-" + index;
    var box = el("div", { "class": "table-tools js-ui", "role": "search", "aria-label": "Filter " + tableName(table) });
    var label = el("label", { "for": id }, "Filter rows");
    label.appendChild(el("span", { "class": "sr-only" }, " of " + tableName(table))); // says which, to a screen reader
    var input = el("input", { "type": "search", "id": id, "class": "table-filter", "autocomplete": "off",
                              "placeholder": "words in a row", "aria-describedby": id + "-count" });
    var count = el("span", { "class": "filter-count", "id": id + "-count", "aria-live": "polite" });
    box.appendChild(label); box.appendChild(input); box.appendChild(count);
    var anchor = table.parentNode.classList.contains("table-scroll") ? table.parentNode : table;
    anchor.parentNode.insertBefore(box, anchor);
    var texts = null;
    function apply() {
      if (!texts) texts = new Map(recs.map(function (r) { return [r, squash(r.textContent).toLowerCase()]; }));
      var words = squash(input.value).toLowerCase().split(" ").filter(Boolean);
      var shown = 0;
      recs.forEach(function (rec) {
        var keep = words.every(function (w) { return texts.get(rec).indexOf(w) >= 0; });
        rec.classList.toggle("is-filtered-out", !keep);
        if (keep) shown++;
      });
      count.textContent = words.length ? shown + " of " + recs.length + " rows shown" : recs.length + " rows";
    }
    input.addEventListener("input", apply);
    apply();
  }

  // ---------- findings: by status, severity, domain and framework ----------
  function findingsFilter() {
    var section = document.getElementById("findings");
    if (!section) return;
    var items = Array.prototype.slice.call(section.querySelectorAll("[data-check]"));
    if (items.length < 2) return;
    var severities = (section.getAttribute("data-severities") || "").split(" ").filter(Boolean);
    function values(key) {
      var seen = [];
      items.forEach(function (item) {
        var v = item.getAttribute("data-" + key) || "";
        (key === "frameworks" ? JSON.parse(v || "[]") : [v]).forEach(function (x) {
          if (x && seen.indexOf(x) < 0) seen.push(x);
        });
      });
      return seen;
    }
    var label = function (v) { return v.charAt(0).toUpperCase() + v.slice(1).replace(/_/g, " "); };
    var facets = [
      { key: "status", title: "Status", options: values("status") }, // report order: fail, error, no data, info, pass
      { key: "severity", title: "Severity", options: severities.filter(function (s) { return values("severity").indexOf(s) >= 0; }) },
      { key: "domain", title: "Domain", options: values("domain").sort() },
      { key: "frameworks", title: "Framework", options: values("frameworks").sort() }
    ];
    var panel = el("div", { "class": "findings-filter js-ui", "role": "search", "aria-label": "Filter the checks" });
    panel.appendChild(el("span", { "class": "filter-title" }, "Show checks"));
    facets.forEach(function (f) {
      var id = "findings-filter-" + f.key;
      var wrap = el("span", { "class": "facet" });
      wrap.appendChild(el("label", { "for": id }, f.title));
      f.select = el("select", { "id": id });
      f.select.appendChild(el("option", { "value": "" }, "any"));
      f.options.forEach(function (v) { f.select.appendChild(el("option", { "value": v }, f.key === "frameworks" ? v : label(v))); });
      f.select.addEventListener("change", apply);
      wrap.appendChild(f.select);
      panel.appendChild(wrap);
    });
    var reset = el("button", { "type": "button", "class": "filter-reset" }, "Show all");
    var count = el("span", { "class": "filter-count", "aria-live": "polite" });
    panel.appendChild(reset); panel.appendChild(count);
    reset.addEventListener("click", function () { facets.forEach(function (f) { f.select.value = ""; }); apply(); });
    var intro = section.querySelector("h2 + p");
    section.insertBefore(panel, intro ? intro.nextSibling : section.firstChild);

    function apply() {
      var shown = 0;
      items.forEach(function (item) {
        var keep = facets.every(function (f) {
          var want = f.select.value;
          if (!want) return true;
          var v = item.getAttribute("data-" + f.key) || "";
          return f.key === "frameworks" ? JSON.parse(v || "[]").indexOf(want) >= 0 : v === want;
        });
        item.classList.toggle("is-deselected", !keep);
        if (keep) shown++;
      });
      // a block whose every check is filtered out goes too (the passing list, the resolved list stays)
      section.querySelectorAll(".passing").forEach(function (block) {
        var any = block.querySelector("[data-check]:not(.is-deselected)");
        block.classList.toggle("is-deselected", !any);
      });
      count.textContent = shown === items.length ? items.length + " checks" : shown + " of " + items.length + " checks shown";
    }
    apply();
  }

  function start() {
    var tables = document.querySelectorAll("table.list, table.evidence");
    Array.prototype.forEach.call(tables, function (table, i) {
      addSortButtons(table);
      addFilterBox(table, i);
    });
    findingsFilter();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
