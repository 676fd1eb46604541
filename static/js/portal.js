/* Public portal, every page: the large-text (适老化) switch works at once, without reloading the page.
   Without JavaScript the same button posts to /preferences/, which sets the cookie and comes back. */
(function () {
  "use strict";
  var COOKIE = "portal_text";
  var YEAR = 365 * 24 * 3600;

  function setLarge(on) {
    document.documentElement.classList.toggle("text-large", on);
    document.cookie = COOKIE + "=" + (on ? "large" : "normal") + ";path=/;max-age=" + YEAR + ";samesite=lax";
    document.querySelectorAll("[data-text-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.value = on ? "normal" : "large";
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-text-toggle]");
    if (!button) return;
    event.preventDefault();
    setLarge(button.getAttribute("aria-pressed") !== "true");
  });

  // <button data-print>: prints the page (the QR poster). Replaces onclick="window.print()", which the
  // Content-Security-Policy (script-src 'self', no inline handlers) would refuse.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-print]")) return;
    event.preventDefault();
    window.print();
  });
})();
