/* 办理变动: show only the fields the chosen kind of change uses (data-kinds on each wrapper).
   Without JavaScript every field shows and the server ignores the ones the kind does not use. */
(function () {
  "use strict";
  var form = document.querySelector("[data-change-form]");
  var kind = form && form.querySelector("select[name=kind]");
  if (!kind) return;
  var wrappers = form.querySelectorAll("[data-kinds]");
  var details = form.querySelector("[data-change-details]");

  function update() {
    var shown = 0;
    for (var i = 0; i < wrappers.length; i++) {
      var kinds = wrappers[i].getAttribute("data-kinds").split(" ");
      // Nothing chosen yet: show everything. A field with an error always shows.
      var show = !kind.value || kinds.indexOf(kind.value) !== -1 ||
        wrappers[i].querySelector(".field--invalid") !== null;
      wrappers[i].hidden = !show;
      if (show) shown++;
    }
    // 返岗, 借调, 离职, 退休 need no details: the section goes too.
    if (details) details.hidden = shown === 0;
  }

  kind.addEventListener("change", update);
  update();
})();
