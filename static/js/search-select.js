/* Searchable drop-downs (core/widgets.py SearchSelect): a select that holds only its chosen
   option becomes a search box (an ARIA combobox) whose options come from a JSON endpoint,
   data-search-url, as the user types: {"results": [{id, label, hint}], "more": bool}.
   The select stays in the form, hidden, and is what gets submitted.
   Keys: ↓/↑ move, Enter picks, Esc closes; on a phone, tap the box and tap an option. */
(function () {
  "use strict";
  if (window.dudaoSearchSelect) return; // the widget brings this script once per use
  window.dudaoSearchSelect = true;

  var counter = 0;

  function enhance(select) {
    if (select.getAttribute("data-enhanced")) return;
    select.setAttribute("data-enhanced", "1");
    var form = select.form;
    var params = (select.getAttribute("data-search-params") || "").split(" ").filter(Boolean);
    var emptyOption = select.querySelector("option[value='']");
    var id = select.id || "search-select-" + ++counter;
    var listId = id + "_listbox";
    var statusId = id + "_status";

    var box = document.createElement("div");
    box.className = "search-select";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id + "_search";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-describedby", statusId);
    input.placeholder = select.getAttribute("data-placeholder") || "";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-select__list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.id = statusId;
    status.className = "search-select__status";
    status.setAttribute("aria-live", "polite");

    // The field's label now names the search box (the select is hidden).
    var label = form && form.querySelector("label[for='" + select.id + "']");
    if (label) label.setAttribute("for", input.id);
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby") + " " + statusId);
    }
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));

    select.hidden = true;
    select.parentNode.insertBefore(box, select);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    box.appendChild(select);

    var options = []; // {id, label, hint}, "" being "all"
    var active = -1;
    var timer = null;
    var request = 0;

    function chosenText() {
      var option = select.options[select.selectedIndex];
      return option && option.value ? option.text : "";
    }
    input.value = chosenText();

    function setOpen(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
      }
    }

    function say(text) {
      status.textContent = text || "";
    }

    function render(more) {
      list.textContent = "";
      options.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "_" + i;
        li.className = "search-select__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.setAttribute("data-index", String(i));
        li.textContent = item.label;
        if (item.hint) {
          var hint = document.createElement("span");
          hint.className = "search-select__hint";
          hint.textContent = item.hint;
          li.appendChild(document.createTextNode(" "));
          li.appendChild(hint);
        }
        list.appendChild(li);
      });
      var found = options.filter(function (item) { return item.id !== ""; }).length;
      say(found ? (more ? select.getAttribute("data-more") : "") : select.getAttribute("data-none"));
      setOpen(options.length > 0);
    }

    function highlight(i) {
      if (!options.length) return;
      active = (i + options.length) % options.length;
      Array.prototype.forEach.call(list.children, function (li, j) {
        li.setAttribute("aria-selected", j === active ? "true" : "false");
      });
      var li = list.children[active];
      input.setAttribute("aria-activedescendant", li.id);
      if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
    }

    function search() {
      var url = new URL(select.getAttribute("data-search-url"), window.location.href);
      url.searchParams.set("q", input.value.trim());
      params.forEach(function (name) {
        var field = form && form.elements[name];
        if (field && field.value) url.searchParams.set(name, field.value);
      });
      var mine = ++request;
      say(select.getAttribute("data-searching"));
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          if (mine !== request) return; // a later search answers instead
          options = (emptyOption && !input.value.trim() ? [{ id: "", label: emptyOption.text }] : [])
            .concat(data.results || []);
          active = -1;
          render(data.more);
        })
        .catch(function () {
          if (mine !== request) return;
          options = [];
          setOpen(false);
          say(select.getAttribute("data-failed"));
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    }

    function pick(i) {
      var item = options[i];
      if (!item) return;
      var value = String(item.id);
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
      if (!option) {
        option = new Option(item.label, value);
        select.appendChild(option);
      }
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = value ? item.label : "";
      setOpen(false);
      say("");
    }

    input.addEventListener("input", function () {
      // An emptied box means "all", at once: the filter button may be pressed next.
      if (!input.value.trim() && select.value) {
        select.value = "";
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      later();
    });
    input.addEventListener("focus", function () {
      if (list.hidden) search();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { search(); return; }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !list.hidden && (active >= 0 || input.value.trim())) {
        // Pick (the highlighted option, or the first match of what was typed); do not
        // submit the form yet.
        event.preventDefault();
        var first = options.findIndex(function (item) { return item.id !== ""; });
        pick(active >= 0 ? active : first);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        setOpen(false);
        input.value = chosenText();
      }
    });
    // Keep the focus in the box while an option is pressed, so the press becomes a pick.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var li = event.target.closest("[data-index]");
      if (li) pick(Number(li.getAttribute("data-index")));
    });
    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement === input) return;
        setOpen(false);
        input.value = chosenText(); // typed but not picked: the box shows what is chosen
      }, 150);
    });
    // A chosen committee of another subdistrict would find nothing: clear it.
    params.forEach(function (name) {
      var field = form && form.elements[name];
      if (!field || !field.addEventListener) return;
      field.addEventListener("change", function () {
        if (!select.value) return;
        select.value = "";
        input.value = "";
      });
    });
  }

  function start() {
    document.querySelectorAll("select[data-search-url]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
