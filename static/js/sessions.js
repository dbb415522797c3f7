/* The log form: show the score grid only in drill mode, and only for ticked trainees.
   Without JavaScript every block is shown and the server ignores scores it does not need. */
(function () {
  "use strict";
  var form = document.querySelector("[data-session-form]");
  if (!form) return;
  var grid = form.querySelector("[data-score-grid]");
  function update() {
    var mode = form.querySelector("input[name=mode]:checked");
    var drill = mode && mode.value === "drill";
    if (grid) grid.classList.toggle("is-hidden", !drill);
    form.querySelectorAll("[data-score-trainee]").forEach(function (card) {
      var box = form.querySelector("input[name=attendees][value='" + card.getAttribute("data-score-trainee") + "']");
      card.classList.toggle("is-hidden", !(box && box.checked));
    });
  }
  form.addEventListener("change", update);
  update();
})();
