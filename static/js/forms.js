// One submission per click: once a form is sent, its buttons stay disabled until the next page
// loads, so a double click sends it once. (The server holds too: a form's one-time token makes
// a second send lead where the first went; see prm/submissions.)
(function () {
  "use strict";
  var BUTTONS = [
    'button[type="submit"]', "button:not([type])", 'input[type="submit"]', 'input[type="image"]',
  ].join(", ");
  // A form whose answer is a download or another window leaves this page as it is: its buttons
  // come back after a while instead of staying disabled for good.
  var RELEASE_AFTER_MS = 10000;

  function release(form) {
    delete form.dataset.prmSending;
    form.querySelectorAll(BUTTONS).forEach(function (button) {
      if (button.dataset.prmDisabled) {
        button.disabled = false;
        delete button.dataset.prmDisabled;
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.prmSending) {
      event.preventDefault(); // the second click of a double click
      return;
    }
    if (event.defaultPrevented) {
      return; // htmx or a confirmation took this submission over
    }
    form.dataset.prmSending = "1";
    // Disabled only after the browser collected the form's values: a disabled button's name
    // and value (the admin's "Save and continue", "Submit registration") would not be sent.
    window.setTimeout(function () {
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.dataset.prmDisabled = "1";
        }
      });
    }, 0);
    window.setTimeout(function () { release(form); }, RELEASE_AFTER_MS);
  });

  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-prm-sending]").forEach(release);
    }
  });
})();
