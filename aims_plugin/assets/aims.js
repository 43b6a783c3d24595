/* AIMS as code: sort and filter the generated registers (tables marked `aims-sortable`).

   Progressive enhancement: without this script, and in print, the tables read as they are.
   A button in each column header sorts by that column (again: the other way); a search box
   above the table hides the rows that do not contain what is typed. Tables of fewer than five
   rows are left as they are. Group heading rows (the
   SoA's clause groups) stand aside while a table is sorted or filtered. */
(function () {
  "use strict";
  var made = 0;
  var MIN_ROWS = 5;

  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? (cell.getAttribute("data-sort") || cell.textContent || "").replace(/\s+/g, " ").trim() : "";
  }

  // Natural order: "A.6.2.10" after "A.6.2.9", "MEASURE-2.10" after "MEASURE-2.9", "RSK-010" after
  // "RSK-009"; a cell that is one number compares by its value.
  function compare(a, b) {
    var number = /^[-+]?\d+(?:\.\d+)?%?$/;
    if (number.test(a) && number.test(b)) return parseFloat(a) - parseFloat(b);  // 0.8 after 0.75
    var x = a.toLowerCase().match(/\d+|\D+/g) || [];
    var y = b.toLowerCase().match(/\d+|\D+/g) || [];
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var nx = /^\d/.test(x[i]), ny = /^\d/.test(y[i]);
      if (nx && ny && parseFloat(x[i]) !== parseFloat(y[i])) return parseFloat(x[i]) - parseFloat(y[i]);
      if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return x.length - y.length;
  }

  function enhance(table) {
    if (table.getAttribute("data-aims-ready") || !table.tHead || !table.tBodies.length) return;
    table.setAttribute("data-aims-ready", "1");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var isGroup = function (row) { return row.classList.contains("aims-group"); };
    var data = rows.filter(function (row) { return !isGroup(row); });
    if (data.length < MIN_ROWS) return;  // a short table is read at a glance
    var box = table.closest(".aims-scroll") || table;

    var tools = document.createElement("div");
    tools.className = "aims-tools";
    var id = "aims-filter-" + (++made);
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Filter rows";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    if (table.id) input.setAttribute("aria-controls", table.id);
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    tools.appendChild(label);
    tools.appendChild(input);
    tools.appendChild(status);
    box.parentNode.insertBefore(tools, box);

    var sorted = false;
    function groupsShown(shown) {
      rows.forEach(function (row) { if (isGroup(row)) row.hidden = !shown; });
    }
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      data.forEach(function (row) {
        var hit = !query || row.textContent.toLowerCase().indexOf(query) >= 0;
        row.hidden = !hit;
        if (hit) shown++;
      });
      groupsShown(!query && !sorted);
      status.textContent = query ? shown + " of " + data.length + " rows" : "";
    });

    var heads = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "aims-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var order = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", order);
        var keyed = data.map(function (row, at) { return [cellText(row, index), at, row]; });
        keyed.sort(function (a, b) {
          var c = compare(a[0], b[0]);
          return (order === "ascending" ? c : -c) || a[1] - b[1];
        });
        keyed.forEach(function (item) { body.appendChild(item[2]); });
        sorted = true;
        groupsShown(false);
      });
    });
  }

  // A shortened hash shows its full value on hover (title) and gets a button that copies it.
  function copyable(code) {
    if (code.getAttribute("data-aims-ready") || !navigator.clipboard) return;
    code.setAttribute("data-aims-ready", "1");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "aims-copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the full SHA-256");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.getAttribute("data-copy")).then(function () {
        button.textContent = "Copied";
      });
    });
    code.parentNode.insertBefore(button, code.nextSibling);
  }

  function run() {
    Array.prototype.forEach.call(document.querySelectorAll("table.aims-sortable"), enhance);
    Array.prototype.forEach.call(document.querySelectorAll("code[data-copy]"), copyable);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
