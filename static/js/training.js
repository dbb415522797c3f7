/* The marking page: filter the roster, "mark the rest present", keys 1–5 for the focused row.
   Without JavaScript the page still works: the "mark the rest present" button posts fill=present. */
(function () {
  "use strict";
  var form = document.querySelector("[data-mark-form]");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-mark-row]"));
  var groups = Array.prototype.slice.call(form.querySelectorAll("[data-mark-group]"));
  var search = form.querySelector("[data-mark-search]");
  var count = form.querySelector("[data-mark-count]");
  var all = form.querySelector("[data-mark-all]");
  var template = count ? count.textContent : "";

  function checked(row) { return row.querySelector("input[type=radio]:checked"); }

  function recount() {
    var n = rows.filter(checked).length;
    if (count) count.textContent = template.replace(/\d+(\s*\/)/, n + "$1");
    rows.forEach(function (row) { row.classList.toggle("is-marked", !!checked(row)); });
  }

  if (search) {
    search.addEventListener("input", function () {
      var term = search.value.trim();
      rows.forEach(function (row) {
        row.classList.toggle("is-hidden", term !== "" && row.getAttribute("data-search").indexOf(term) === -1);
      });
      groups.forEach(function (group) {
        group.classList.toggle("is-hidden", !group.querySelector("[data-mark-row]:not(.is-hidden)"));
      });
    });
  }

  if (all) {
    // Mark on the page, so the exceptions can be set before saving; the save posts every row.
    all.addEventListener("click", function (event) {
      event.preventDefault();
      rows.forEach(function (row) {
        if (!checked(row)) row.querySelector("input[value=present]").checked = true;
      });
      recount();
      all.blur();
    });
  }

  var keys = { "1": "present", "2": "late", "3": "left_early", "4": "absent", "5": "excused" };
  form.addEventListener("keydown", function (event) {
    if (event.target === search) return;
    var row = event.target.closest && event.target.closest("[data-mark-row]");
    if (!row || !keys[event.key]) return;
    var input = row.querySelector("input[value=" + keys[event.key] + "]");
    if (input) { input.checked = true; input.focus(); event.preventDefault(); recount(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && search && document.activeElement !== search) {
      event.preventDefault();
      search.focus();
    }
  });
  form.addEventListener("change", recount);

  // Post only the changed rows, as one field: a 2,000-row roster would otherwise exceed
  // Django's limit of 1,000 form fields per request.
  var field = form.querySelector("[data-mark-field]");
  form.addEventListener("submit", function (event) {
    if (!field) return;
    var submitter = event.submitter;
    if (submitter && submitter.name === "fill") return;  // handled by the click above
    var changed = [];
    rows.forEach(function (row) {
      var input = checked(row);
      if (input && input.value !== row.getAttribute("data-initial")) {
        changed.push(row.getAttribute("data-id") + ":" + input.value);
      }
      row.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.disabled = true; });
    });
    field.value = changed.join(",");
  });
})();
