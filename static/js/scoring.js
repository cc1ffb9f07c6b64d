/*
 * The scoring page saves each item as it changes: the item's level and comment are posted to
 * its own address, the summary (progress, total, sections, computed on the server by the
 * scoring engine) is replaced with the one in the answer, and "Salvato" is announced.
 * Saves go one after the other, so the last summary shown is always the newest.
 * Without this script the page is a plain form with a "Salva" button.
 */
(function () {
  "use strict";

  var form = document.getElementById("punteggi");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var summary = document.getElementById("riepilogo");
  var status = document.getElementById("stato-salvataggio");
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  var queue = Promise.resolve();
  // The page's words, translated by the template.
  var FAILED = form.getAttribute("data-msg-failed") || "Salvataggio non riuscito.";

  function announce(text) {
    // Emptying first makes screen readers announce the same words again.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function showError(card, message) {
    var box = card.querySelector("[data-item-error]");
    if (box) {
      box.textContent = message;
    }
    card.classList.toggle("border", Boolean(message));
    card.classList.toggle("border-danger", Boolean(message));
  }

  function itemData(card) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    card.querySelectorAll("input, textarea").forEach(function (field) {
      if (field.type === "radio" && !field.checked) {
        return;
      }
      data.append(field.name, field.value);
    });
    return data;
  }

  function save(card) {
    var code = card.getAttribute("data-item-code") || "";
    return fetch(card.getAttribute("data-item-url"), {
      method: "POST",
      body: itemData(card),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { ok: response.ok, answer: answer };
        });
      })
      .then(function (result) {
        if (result.answer.summary && summary) {
          summary.innerHTML = result.answer.summary;
        }
        if (result.ok) {
          showError(card, "");
          announce(result.answer.message || "Salvato");
        } else {
          showError(card, result.answer.error || FAILED);
          announce(result.answer.error || code + ": " + FAILED);
        }
      })
      .catch(function () {
        showError(card, FAILED);
        announce(code + ": " + FAILED);
      });
  }

  form.addEventListener("change", function (event) {
    var card = event.target.closest("[data-item-url]");
    if (!card) {
      return;
    }
    queue = queue.then(function () {
      return save(card);
    });
  });
})();
