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

  document.addEventListener("DOMContentLoaded", function () {
    apply(isOpen());
    var buttons = document.querySelectorAll("[data-prm-filter-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var open = root.classList.contains("prm-filters-closed");
        store(open ? "open" : "closed");
        apply(open);
      });
    }
  });
})();
