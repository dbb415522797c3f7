/* Dudao: poll a report run's status and update its progress bar; links appear when done. */
(function () {
  "use strict";
  var box = document.getElementById("report-run");
  if (!box) return;
  function part(name) { return box.querySelector('[data-role="' + name + '"]'); }
  function update(data) {
    part("status").textContent = data.status_label;
    part("progress").value = data.progress;
    part("percent").textContent = data.progress + "%";
    var done = data.status === "done", failed = data.status === "failed";
    part("downloads").hidden = !done;
    part("failure").hidden = !failed;
    part("waiting").hidden = done || failed;
    if (failed) part("error").textContent = data.error;
    return done || failed;
  }
  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (update(data)) {
          if (data.status === "failed") window.location.reload();
          return;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  var status = box.getAttribute("data-status");
  if (status === "queued" || status === "running") window.setTimeout(poll, 1000);
})();
