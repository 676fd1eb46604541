/* Admin, periodic task form (django-celery-beat): under the crontab field, its reading in words. Replaces the
   package's inline script, which the Content-Security-Policy refuses; text is set with text nodes only. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var data = document.getElementById("readable-crontabs");
    var select = document.getElementById("id_crontab");
    var help = document.querySelector(".field-crontab .help");
    var original = JSON.parse((document.getElementById("crontab-help") || {}).textContent || '""');
    document.querySelectorAll(".field-crontab_translation").forEach(function (row) { row.style.display = "none"; });
    if (!data || !select || !help) return;
    var readable = JSON.parse(data.textContent);
    select.addEventListener("change", function () {
      help.textContent = original;
      help.appendChild(document.createElement("br"));
      help.appendChild(document.createTextNode("Translation: " + (readable[select.value] || "")));
    });
  });
})();
