/* The "not yet arrived" board: poll a small JSON endpoint and redraw, without reloading. */
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) return;
  var url = board.getAttribute("data-url");
  var seconds = parseInt(board.getAttribute("data-poll"), 10) || 5;
  var labels = board.querySelector("[data-board-labels]");
  var text = {
    arrived: labels.getAttribute("data-arrived"),
    done: labels.getAttribute("data-done")
  };

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function draw(data) {
    board.querySelector("[data-board-arrived]").textContent = data.arrived;
    board.querySelector("[data-board-expected]").textContent = data.expected;
    board.querySelector("[data-board-updated]").textContent = data.updated;
    var grid = board.querySelector("[data-board-groups]");
    var fresh = document.createDocumentFragment();
    data.subdistricts.forEach(function (g) {
      var card = el("section", "card board-card");
      card.setAttribute("data-board-sub", g.id);
      var h = el("h2", null, g.name + " ");
      h.appendChild(el("span", "muted small", text.arrived + " " + g.arrived + " / " + g.expected));
      card.appendChild(h);
      var list = el("ul", "board-list");
      if (!g.waiting.length) list.appendChild(el("li", "board-done", text.done));
      g.waiting.forEach(function (w) {
        var li = el("li", null, w.name + " ");
        li.setAttribute("data-enrolment", w.id);
        li.appendChild(el("span", "muted small", w.committee));
        list.appendChild(li);
      });
      card.appendChild(list);
      fresh.appendChild(card);
    });
    grid.replaceChildren(fresh);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(draw)
      .catch(function () {});
  }
  setInterval(poll, seconds * 1000);
})();
