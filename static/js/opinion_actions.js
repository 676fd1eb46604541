/* Desk: assigning an opinion without traps. The unit is typed or picked from a datalist of unit names
   ([data-unit-input], list="unit-names"); nothing is pre-selected, and a name that is not in the list is
   refused before anything is sent. A form with [data-confirm] (assign, reassign) first shows a confirmation
   naming the unit ("… to “{unit}”?") and is sent only with confirmed=1; htmx or the browser then posts it.
   Without this script the server asks for the confirmation itself. Text is set with textContent only. */
(function () {
  "use strict";
  if (window.deskOpinionActions) return; // loaded again by an htmx swap: the listeners are on the document
  window.deskOpinionActions = true;

  function unitNames(input) {
    var list = input.list;
    return list ? Array.prototype.map.call(list.options, function (o) { return o.value; }) : [];
  }

  function checkUnit(input) {
    var value = input.value.trim();
    var known = value !== "" && unitNames(input).indexOf(value) !== -1;
    input.setCustomValidity(value !== "" && !known ? input.getAttribute("data-unknown") || "?" : "");
    return known;
  }

  function setBusy(form, busy) {
    form.querySelectorAll("[data-unit-input], textarea, input[name=reason], input[name=note]").forEach(function (el) {
      el.readOnly = busy;
    });
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.hidden = busy; });
  }

  function cancel(form) {
    var box = form.querySelector("[data-confirm-box]");
    if (box) box.remove();
    setBusy(form, false);
    var input = form.querySelector("[data-unit-input]");
    if (input) input.focus();
  }

  function askToConfirm(form, unit) {
    cancel(form);
    var box = document.createElement("div");
    box.className = "alert alert-warning py-2 mt-2 mb-0";
    box.setAttribute("role", "alert");
    box.setAttribute("data-confirm-box", "");
    var text = document.createElement("p");
    text.className = "mb-2";
    form.getAttribute("data-confirm").split("{unit}").forEach(function (part, i) {
      if (i > 0) {
        var name = document.createElement("strong");
        name.textContent = unit;
        text.appendChild(name);
      }
      text.appendChild(document.createTextNode(part));
    });
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn btn-sm btn-danger me-2";
    yes.setAttribute("data-confirm-ok", "");
    yes.textContent = form.getAttribute("data-confirm-yes") || "OK";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "btn btn-sm btn-outline-secondary";
    no.textContent = form.getAttribute("data-confirm-no") || "Cancel";
    yes.addEventListener("click", function () {
      form.querySelector("input[name=confirmed]").value = "1";
      yes.disabled = true;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
    no.addEventListener("click", function () { cancel(form); });
    box.appendChild(text);
    box.appendChild(yes);
    box.appendChild(no);
    form.appendChild(box);
    setBusy(form, true);
    yes.focus();
  }

  // Capture phase: runs before htmx's own submit handler on the form, so an unconfirmed form is never sent.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-unit-form")) return;
      var confirmed = form.querySelector("input[name=confirmed]");
      if (confirmed && confirmed.value === "1") return; // confirmed: let it go
      var input = form.querySelector("[data-unit-input]");
      if (input && !checkUnit(input)) {
        event.preventDefault();
        event.stopPropagation();
        form.reportValidity();
        return;
      }
      if (!form.hasAttribute("data-confirm")) return; // the server's page confirms (bulk assignment)
      event.preventDefault();
      event.stopPropagation();
      if (!form.checkValidity()) { form.reportValidity(); return; }
      askToConfirm(form, input ? input.value.trim() : "");
    },
    true
  );

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-unit-input]")) event.target.setCustomValidity("");
  });

  // The work list's filters: leave empty fields out of the query string, so the link says only what it filters.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-drop-empty")) return;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && (el.tagName === "INPUT" || el.tagName === "SELECT") && el.type !== "checkbox" && el.value === "") {
        el.disabled = true;
      }
    });
  });
  window.addEventListener("pageshow", function () { // back to the page: the fields are usable again
    document.querySelectorAll("form[data-drop-empty] [disabled]").forEach(function (el) { el.disabled = false; });
  });

  // The work list: select every assignable opinion of the page at once.
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!all.matches || !all.matches("[data-select-all]")) return;
    document.querySelectorAll("input[type=checkbox][name=opinions]").forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
