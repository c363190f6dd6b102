// Step through an episode one message at a time: buttons, arrow keys, and a permalink per step
// (#step-N or ?step=N). The page reads its data from a JSON island, never from inline script.
(function () {
  "use strict";
  var island = document.getElementById("episode-data");
  if (!island) return;
  var data = JSON.parse(island.textContent);
  var n = data.steps;
  var current = data.step;  // the server already marked this one
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var label = document.getElementById("stepnum");
  var permalink = document.getElementById("permalink");

  function bubble(i) { return document.getElementById("step-" + i); }

  // scroll: bring the step into view; quiet: leave the address alone (a plain address opens at the
  // top: writing #step-1 into it before the load ends would make the browser jump there).
  function go(i, scroll, quiet) {
    if (!n) return;
    i = Math.max(1, Math.min(n, i));
    var old = bubble(current);
    if (old) old.classList.remove("current");
    current = i;
    var el = bubble(i);
    el.classList.add("current");
    label.textContent = "step " + i + " / " + n;
    prev.disabled = i <= 1;
    next.disabled = i >= n;
    var link = "?step=" + i + "#step-" + i;
    permalink.setAttribute("href", link);
    if (!quiet) history.replaceState(null, "", location.pathname + link);
    if (scroll) el.scrollIntoView({block: "nearest", behavior: "instant"});
  }

  function initial() {
    var m = /^#step-(\d+)$/.exec(location.hash);
    if (m) return parseInt(m[1], 10);
    var q = new URLSearchParams(location.search).get("step");
    return q ? parseInt(q, 10) || 1 : data.step || 1;
  }

  prev.addEventListener("click", function () { go(current - 1, true); });
  next.addEventListener("click", function () { go(current + 1, true); });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.altKey || ev.ctrlKey || ev.metaKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var to = {ArrowRight: current + 1, ArrowDown: current + 1, j: current + 1,
              ArrowLeft: current - 1, ArrowUp: current - 1, k: current - 1, Home: 1, End: n}[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    go(to, true);
  });
  // A click on a message selects it, so stepping goes on from there.
  document.querySelectorAll(".msg").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (ev.target.closest("a, summary, button")) return;
      go(parseInt(el.getAttribute("data-step"), 10), false);
    });
  });
  document.querySelectorAll(".steplink").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      go(parseInt(a.closest(".msg").getAttribute("data-step"), 10), true);
    });
  });
  window.addEventListener("hashchange", function () { go(initial(), true); });
  var named = /step/.test(location.hash + location.search);
  go(initial(), named, !named);
  document.body.setAttribute("data-ready", "1");
})();
