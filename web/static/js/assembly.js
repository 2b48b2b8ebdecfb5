// Live updates of the general assembly page: a server-sent event tells that
// attendance, polls or ballots changed; the page then fetches itself and
// swaps in the fresh parts marked data-live-part. Parts in which the user has
// started filling a form are left alone. Without JavaScript the page works
// the same, with a reload.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var dirty = new WeakSet();
  document.addEventListener("input", function (e) {
    var part = e.target.closest && e.target.closest("[data-live-part]");
    if (part) {
      dirty.add(part);
    }
  });
  var status = document.getElementById("live-status");
  var busy = false;
  function refresh() {
    if (busy) {
      return;
    }
    busy = true;
    fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-part]").forEach(function (part) {
          var fresh = part.id && doc.getElementById(part.id);
          if (!fresh || dirty.has(part) || part.contains(document.activeElement)) {
            return;
          }
          part.replaceWith(document.importNode(fresh, true));
        });
        if (status) {
          status.textContent = root.getAttribute("data-live-updated") || "";
        }
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  var source = new EventSource(root.getAttribute("data-live"));
  source.addEventListener("change", refresh);
})();
