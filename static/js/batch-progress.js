/*
 * The progress page of a bulk re-rendering of certificates: while certificates are pending it
 * asks the JSON endpoint for the numbers every few seconds and updates the page (the status
 * line is an aria-live region, so screen readers hear the percentage). Without this script
 * the page shows an "Aggiorna" link instead.
 */
(function () {
  "use strict";

  var box = document.getElementById("avanzamento");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "true") {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("barra-avanzamento");
  var INTERVAL = 3000;

  function show(name, value) {
    var node = box.querySelector('[data-progress="' + name + '"]');
    if (node) {
      node.textContent = String(value);
    }
  }

  function update(data) {
    ["total", "ready", "failed", "pending", "percent"].forEach(function (name) {
      show(name, data[name]);
    });
    if (bar) {
      bar.max = data.total || 1;
      bar.value = data.total ? data.done : 1;
      bar.textContent = data.percent + "%";
    }
    if (data.finished) {
      show("state", box.getAttribute("data-msg-finished"));
      var refresh = box.querySelector('[data-progress="refresh"]');
      if (refresh) {
        refresh.hidden = true;
      }
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        update(data);
        if (!data.finished) {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        // A hiccup (network, session expired): try again later; the link still works.
        window.setTimeout(poll, INTERVAL * 3);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
