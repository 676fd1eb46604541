/* Suggestion pages (/desk/suggestions/): filter boxes for long pickers and a confirmation before the
   consequential buttons. Without JavaScript the pickers show every choice and the forms post at once. */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  // <input data-filter="#target">: hide the options of a <select>, or the [data-filter-item] rows of a box,
  // that do not contain what was typed. Chosen entries always stay visible.
  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-filter]");
    if (!box) return;
    var target = document.querySelector(box.getAttribute("data-filter"));
    if (!target) return;
    var wanted = normalise(box.value);
    var items = target.tagName === "SELECT" ? target.options : target.querySelectorAll("[data-filter-item]");
    Array.prototype.forEach.call(items, function (item) {
      var input = item.tagName === "OPTION" ? item : item.querySelector("input");
      var chosen = item.tagName === "OPTION" ? item.selected : input && input.checked;
      item.hidden = !(chosen || !wanted || normalise(item.textContent).indexOf(wanted) !== -1);
    });
  });

  // <span data-checked-count="#box">: how many boxes are ticked.
  document.addEventListener("change", function (event) {
    document.querySelectorAll("[data-checked-count]").forEach(function (badge) {
      var box = document.querySelector(badge.getAttribute("data-checked-count"));
      if (box && box.contains(event.target)) {
        badge.textContent = box.querySelectorAll("input:checked").length;
      }
    });
  });

  // <form data-confirm="… %(choice)s …" data-confirm-choice="#select | [name=radio] | #date">: ask first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (!message) return;
    var selector = form.getAttribute("data-confirm-choice");
    var choice = "";
    if (selector) {
      var field = form.querySelector(selector + ":checked") || form.querySelector(selector);
      if (field && field.tagName === "SELECT") {
        choice = field.selectedIndex >= 0 ? field.options[field.selectedIndex].text : "";
      } else if (field && field.type === "radio") {
        var label = form.querySelector("label[for='" + field.id + "']");
        choice = field.checked && label ? label.textContent.trim() : "";
      } else if (field) {
        choice = field.value;
      }
    }
    if (!window.confirm(message.replace("%(choice)s", choice || "—"))) {
      event.preventDefault();
    }
  });
})();
