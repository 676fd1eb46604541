/* The station desk: where the focus goes after a panel is swapped by htmx, and what is announced.

   After a save the panel comes back with a fresh form whose first (empty) field carries autofocus, and a
   confirmation naming what was saved; after a refusal, the first invalid field (aria-invalid, its error named
   by aria-describedby) takes the focus. The confirmation is copied into the page's polite live region
   (#desk-status), which stays in the page, so screen readers announce it. Ctrl+Enter saves from a text box
   (Enter there starts a new line). Without JavaScript the forms post and the server answers the same way. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("desk-status");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 60);
  }

  var FIELDS = "form input:not([type=hidden]), form select, form textarea";

  function settle(root) {
    var invalid = root.querySelector('[aria-invalid="true"]');
    var note = root.querySelector("[data-announce]");
    if (note) announce(note.textContent.replace(/\s+/g, " ").trim());
    // refused: the first invalid field; saved or undone: the first field of the fresh form
    var target = invalid || (note && (root.querySelector("[autofocus]") || root.querySelector(FIELDS)));
    if (!target) return;
    var folded = target.closest("details");
    if (folded) folded.open = true;
    target.focus();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var root = id ? document.getElementById(id) : null;
    if (root) settle(root);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var box = event.target;
    if (!box || box.tagName !== "TEXTAREA" || !box.form) return;
    event.preventDefault();
    if (box.form.requestSubmit) box.form.requestSubmit(); else box.form.submit();
  });
})();
