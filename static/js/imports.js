/* Import progress: poll the run's JSON status and reload when it has finished. */
(function () {
  "use strict";
  var box = document.querySelector(".import-progress[data-status-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".import-progress__text");
  var url = box.getAttribute("data-status-url");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        bar.value = data.progress;
        text.textContent = data.status_label + " · " + data.progress + "%";
        if (data.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
