/* The marking page: committee groups whose rows load on demand, "mark the rest present",
   keys 1–5 for the focused row, and one save for every change made in any group.

   The page holds one page of groups; a group's rows, a next part of them and another page of
   groups come from the same address with part=rows / part=groups. Changes are kept here, by
   enrolment id, while groups come and go, and are posted together in the "marks" field.
   "Mark the rest present" turns on the "fill" field: the server marks every row still unmarked,
   including the rows never loaded. Without JavaScript the page still works: the links open a
   group or a page of groups, the radios post as status_<id>, the button posts fill=present. */
(function () {
  "use strict";
  var form = document.querySelector("[data-mark-form]");
  if (!form) return;
  var filter = document.querySelector("[data-mark-filter]");
  var container = form.querySelector("[data-mark-groups]");
  var search = form.querySelector("[data-mark-search]");
  var sub = form.querySelector("[data-mark-sub]");
  var count = form.querySelector("[data-mark-count]");
  var all = form.querySelector("[data-mark-all]");
  var fillField = form.querySelector("[data-mark-fill]");
  var fillNote = form.querySelector("[data-mark-fill-note]");
  var undo = form.querySelector("[data-mark-fill-undo]");
  var back = form.querySelector("[data-mark-back]");
  var field = form.querySelector("[data-mark-field]");
  var template = count ? count.textContent : "";
  var baseMarked = count ? parseInt(count.getAttribute("data-marked"), 10) || 0 : 0;
  var total = count ? parseInt(count.getAttribute("data-total"), 10) || 0 : 0;

  var pending = {};  // enrolment id → { status: chosen, initial: status when loaded }
  var filling = false;
  var submitting = false;

  function rows() { return Array.prototype.slice.call(form.querySelectorAll("[data-mark-row]")); }
  function checked(row) { return row.querySelector("input[type=radio]:checked"); }

  function recount() {
    var n = baseMarked;
    Object.keys(pending).forEach(function (id) { if (!pending[id].initial) n += 1; });
    if (filling) n = total;
    if (count) count.textContent = template.replace(/\d+(\s*\/)/, Math.min(n, total) + "$1");
    rows().forEach(function (row) { row.classList.toggle("is-marked", !!checked(row)); });
  }

  // Rows arriving from the server show what was chosen here before they left the page.
  function prepare(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("[data-mark-row]"), function (row) {
      var wanted = pending[row.getAttribute("data-id")];
      var status = wanted ? wanted.status : (filling && !row.getAttribute("data-initial") ? "present" : "");
      var input = status && row.querySelector("input[value=" + status + "]");
      if (input) input.checked = true;
    });
  }

  function remember(row) {
    var id = row.getAttribute("data-id");
    var initial = row.getAttribute("data-initial");
    var input = checked(row);
    if (input && input.value !== initial) pending[id] = { status: input.value, initial: initial };
    else delete pending[id];
  }

  function get(url, part) {
    var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "part=" + part;
    return fetch(address, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); });
  }

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  }

  // A group's rows, or the next part of them, in place of the link that asked for them.
  function load(link) {
    if (link.getAttribute("aria-busy")) return;
    link.setAttribute("aria-busy", "true");
    var item = link.closest("li") || link;
    get(link.getAttribute("href"), "rows").then(function (html) {
      var rowsHere = fragment(html);
      prepare(rowsHere);
      item.replaceWith(rowsHere);
      recount();
    }).catch(function () {
      link.removeAttribute("aria-busy");
      window.location.href = link.getAttribute("href");  // fall back to the page of that group
    });
  }

  // Another page of groups, or the result of a search, in place; changes made stay pending.
  function show(query) {
    get("?" + query, "groups").then(function (html) {
      var groups = fragment(html);
      prepare(groups);
      container.replaceChildren(groups);
      recount();
      // Back to the first group when the pager at the foot of the list was used.
      var bar = form.querySelector(".mark-bar");
      var covered = bar && getComputedStyle(bar).position === "sticky" ? bar.offsetHeight : 0;
      var top = container.getBoundingClientRect().top - covered - 8;
      if (top < 0) window.scrollBy(0, top);
      if (back) back.value = query;
      if (window.history && history.replaceState) history.replaceState(null, "", "?" + query);
    }).catch(function () { window.location.search = query; });
  }

  container.addEventListener("toggle", function (event) {
    var group = event.target;
    if (!group.open) return;
    var list = group.querySelector("[data-mark-list]");
    var link = list && list.children.length === 1 && list.querySelector("[data-mark-load]");
    if (link) load(link);
  }, true);

  container.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-mark-load], [data-mark-page], .mark-pager a");
    if (!link) return;
    event.preventDefault();
    if (link.hasAttribute("data-mark-load")) load(link);
    else show(link.getAttribute("href").replace(/^\?/, ""));
  });

  if (filter) {
    filter.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      if (search && search.value.trim()) params.set("q", search.value.trim());
      if (sub && sub.value) params.set("subdistrict", sub.value);
      show(params.toString());
    });
  }
  if (sub && filter) {
    sub.addEventListener("change", function () { filter.requestSubmit ? filter.requestSubmit() : filter.dispatchEvent(new Event("submit")); });
  }

  function setFilling(on) {
    filling = on;
    if (fillField) fillField.disabled = !on;
    if (fillNote) fillNote.hidden = !on;
    if (all) all.disabled = on;
    rows().forEach(function (row) {
      if (row.getAttribute("data-initial") || pending[row.getAttribute("data-id")]) return;
      var present = row.querySelector("input[value=present]");
      if (on && present) present.checked = true;
      if (!on) row.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = false; });
    });
    recount();
  }

  if (all) {
    // Mark on the page, so the exceptions can be set before saving; the server marks the rows
    // not loaded when the save posts fill=present.
    all.addEventListener("click", function (event) {
      event.preventDefault();
      setFilling(true);
      all.blur();
    });
  }
  if (undo) undo.addEventListener("click", function () { setFilling(false); if (all) all.focus(); });

  var keys = { "1": "present", "2": "late", "3": "left_early", "4": "absent", "5": "excused" };
  form.addEventListener("keydown", function (event) {
    if (event.target === search) return;
    var row = event.target.closest && event.target.closest("[data-mark-row]");
    if (!row || !keys[event.key]) return;
    var input = row.querySelector("input[value=" + keys[event.key] + "]");
    if (input) { input.checked = true; input.focus(); event.preventDefault(); remember(row); recount(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && search && document.activeElement !== search) {
      event.preventDefault();
      search.focus();
    }
  });
  form.addEventListener("change", function (event) {
    var row = event.target.closest && event.target.closest("[data-mark-row]");
    if (row) { remember(row); recount(); }
  });

  // Post the changes as one field, whichever groups they were made in: a big roster would
  // otherwise exceed Django's limit of 1,000 form fields per request.
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.name === "fill") return;  // handled by the click above
    submitting = true;
    if (!field) return;
    field.value = Object.keys(pending).map(function (id) { return id + ":" + pending[id].status; }).join(",");
    rows().forEach(function (row) {
      row.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.disabled = true; });
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || (!filling && !Object.keys(pending).length)) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
