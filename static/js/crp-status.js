/* The summary page's PDFs: a document being made shows its state as it changes.
 *
 * Progressive enhancement only: without this script, reloading the page shows the
 * state. Each row still waiting names its status URL (data-status-url); the script asks
 * it every two seconds and swaps in the row the server renders, until the render ends.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 2000;

  function poll(row, status) {
    fetch(row.dataset.statusUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer === null) return;
        var holder = document.createElement("tbody");
        holder.innerHTML = answer.row;
        var fresh = holder.firstElementChild;
        row.replaceWith(fresh);
        if (answer.done) {
          if (status) status.textContent = fresh.querySelector("th").textContent.trim() + ": " +
            fresh.querySelector(".badge").textContent.trim();
        } else {
          window.setTimeout(function () { poll(fresh, status); }, INTERVAL_MS);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(row, status); }, INTERVAL_MS * 2); });
  }

  function start() {
    var status = document.getElementById("documents-status");
    document.querySelectorAll("#summary-documents tr[data-status-url]").forEach(function (row) {
      window.setTimeout(function () { poll(row, status); }, INTERVAL_MS);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
