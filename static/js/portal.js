// The portal's tables on a narrow screen. A table wider than its box scrolls inside it
// (Bootstrap's .table-responsive); this says so above the table, with the words of the page's
// language (the <template id="scroll-hint"> in templates/base.html), and only while the table
// does not fit: on a wide screen, or once the phone is turned, the hint goes away.
(function () {
  "use strict";

  function hintFor(box) {
    var previous = box.previousElementSibling;
    if (previous && previous.classList.contains("scroll-hint")) {
      return previous;
    }
    var template = document.getElementById("scroll-hint");
    if (!template) {
      return null;
    }
    var hint = template.content.firstElementChild.cloneNode(true);
    box.parentNode.insertBefore(hint, box);
    return hint;
  }

  function update() {
    document.querySelectorAll("main .table-responsive").forEach(function (box) {
      var overflowing = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("is-overflowing", overflowing);
      var hint = overflowing ? hintFor(box) : box.previousElementSibling;
      if (hint && hint.classList.contains("scroll-hint")) {
        hint.hidden = !overflowing;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
  document.addEventListener("htmx:afterSettle", update);
})();
