// Optional: keep a workshop's room view up to date. Without it, the page has a Refresh link.
// The server sends nothing of a question below the minimum number of answers; this only
// shows what it sent, through textContent and SVG attributes (no markup from the data).
document.addEventListener("DOMContentLoaded", function () {
  var room = document.getElementById("room");
  if (!room || !window.fetch) return;
  var source = room.getAttribute("data-json");
  var every = parseInt(room.getAttribute("data-poll"), 10) * 1000 || 4000;
  var rtl = document.documentElement.dir === "rtl";
  var last = null;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }
  function pct(x) { return (x * 100).toFixed(2) + "%"; }

  function question(q) {
    var box = document.getElementById("rq-" + q.id);
    if (!box) return;
    var shown = box.querySelector(".shown"), waiting = box.querySelector(".waiting");
    shown.hidden = !q.shown;
    waiting.hidden = q.shown;
    if (!q.shown) return;
    var start = 0;
    box.querySelectorAll("rect[data-key]").forEach(function (rect) {
      var share = (q.counts[rect.getAttribute("data-key")] || 0) / q.total;
      rect.setAttribute("x", pct(rtl ? 1 - start - share : start));
      rect.setAttribute("width", pct(share));
      start += share;
    });
    box.querySelectorAll("[data-count]").forEach(function (el) {
      el.textContent = q.counts[el.getAttribute("data-count")] || 0;
    });
    var total = box.querySelector("[data-total]");
    if (total) total.textContent = q.total;
  }

  // The "discuss these" and "needs information" lists, rebuilt from the questions' own texts.
  function list(id, ids) {
    var ol = document.getElementById(id);
    if (!ol) return;
    var empty = document.getElementById(id + "-empty");
    while (ol.firstChild) ol.removeChild(ol.firstChild);
    ids.forEach(function (qid) {
      var title = document.querySelector("#rq-" + CSS.escape(qid) + " .rq-text");
      if (!title) return;
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#rq-" + qid;
      a.textContent = title.textContent;
      li.appendChild(a);
      ol.appendChild(li);
    });
    ol.hidden = !ids.length;
    if (empty) empty.hidden = !!ids.length;
  }

  function update(data) {
    if (data.open !== (room.getAttribute("data-open") === "true")) {
      window.location.reload();  // opened or closed meanwhile: the page says more than figures
      return;
    }
    text("joined", data.joined);
    text("answered", data.answered);
    text("finished", data.finished);
    text("room-score", data.score_text);
    text("room-level", data.level ? data.level.text : "");
    data.standards.forEach(function (s) {
      text("score-" + s.id, s.score_text);
      text("level-" + s.id, s.level ? s.level.text : "");
    });
    data.questions.forEach(question);
    list("discuss", data.discuss);
    list("find-out", data.find_out);
  }

  // On a patchy connection the trainer must know the figures stopped moving.
  var lost = document.getElementById("room-lost");
  function connected(yes) { if (lost) lost.hidden = yes; }

  function poll() {
    if (document.hidden) return;
    // The browser revalidates with the ETag: an unchanged room is a 304 and the same body.
    fetch(source, {credentials: "same-origin"}).then(function (response) {
      connected(response.ok);
      if (!response.ok) return null;
      var tag = response.headers.get("ETag");
      if (tag && tag === last) return null;
      last = tag;
      return response.json();
    }).then(function (data) { if (data) update(data); }).catch(function () { connected(false); });
  }
  setInterval(poll, every);
});
