/* The venue screen: fetch a fresh signed QR code every few seconds (no library, no CDN). */
(function () {
  "use strict";
  var screen = document.querySelector("[data-qr-screen]");
  if (!screen) return;
  var box = screen.querySelector("[data-qr]");
  var status = screen.querySelector("[data-qr-status]");
  var url = screen.getAttribute("data-url");
  var seconds = parseInt(screen.getAttribute("data-refresh"), 10) || 30;

  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        box.innerHTML = data.svg;  // server-generated SVG
        box.setAttribute("data-checkin-url", data.url);
        if (status) status.textContent = "";
      })
      .catch(function () { if (status) status.textContent = "⚠"; });
  }
  setInterval(refresh, seconds * 1000);
})();
