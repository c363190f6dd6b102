// A live run grows while it is watched: ask the server every few seconds how many episodes the
// run holds, and offer a reload when there are more than this page was built from.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) return;
  var shown = parseInt(live.getAttribute("data-count"), 10);
  function poll() {
    fetch("/api/count", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (d) {
      if (d.episodes > shown) {
        live.textContent = "";
        var a = document.createElement("a");
        a.href = location.pathname + location.search;
        a.textContent = (d.episodes - shown) + " new episode(s) since this page loaded: reload";
        live.appendChild(a);
      }
    }).catch(function () {});
  }
  setInterval(poll, 5000);
})();
