/* The admin UI's own behaviour (no inline scripts: the Content-Security-Policy allows only
   files from 'self').

   The filter panel of a list: open on wide screens, closed below WIDE (a 1366 px laptop keeps
   its columns), and whatever the member chose last time wins. This file is loaded in <head>
   without `defer`, so the panel's state is set before the page is painted (no flash). */
(function () {
  "use strict";
  var WIDE = 1600;
  var KEY = "prm.admin.filters";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* private mode: not remembered */ }
  }
  function isOpen() {
    var choice = stored();
    if (choice === "open") { return true; }
    if (choice === "closed") { return false; }
    return window.innerWidth >= WIDE;
  }
  function apply(open) {
    root.classList.toggle("prm-filters-closed", !open);
    var buttons = document.querySelectorAll("[data-prm-filter-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-expanded", open ? "true" : "false");
    }
  }

  root.classList.add("prm-js");
  apply(isOpen());

  /* The key columns of a list (TenantModelAdmin.key_columns, the last ones) stay at the right
     edge of the list while the other columns scroll under them: each is made sticky at the
     width of the key columns after it. */
  function pinKeyColumns() {
    var holders = document.querySelectorAll("[data-prm-key-columns]");
    for (var h = 0; h < holders.length; h++) {
      var names = holders[h].getAttribute("data-prm-key-columns").split(" ").filter(Boolean);
      var right = 0;
      for (var n = names.length - 1; n >= 0; n--) {
        var cells = holders[h].querySelectorAll("th.column-" + names[n] + ", td.field-" + names[n]);
        var width = 0;
        for (var c = 0; c < cells.length; c++) {
          cells[c].classList.add("prm-key");
          cells[c].classList.toggle("prm-key-first", n === 0);
          cells[c].style.right = right + "px";
          width = Math.max(width, cells[c].getBoundingClientRect().width);
        }
        right += width;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    apply(isOpen());
    pinKeyColumns();
    window.addEventListener("resize", pinKeyColumns);
    var buttons = document.querySelectorAll("[data-prm-filter-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var open = root.classList.contains("prm-filters-closed");
        store(open ? "open" : "closed");
        apply(open);
        pinKeyColumns();
      });
    }
  });
})();
