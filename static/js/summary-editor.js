/* The summary editor's live preview and its citation buttons.
 *
 * Progressive enhancement only: without this script the "Preview" button posts the text
 * and the server shows the page again with the preview, and each citation line is there
 * to copy by hand. The preview is always the server's (reports/markup.py renders both
 * the page and the PDF): the script posts the text and swaps in the fragment it gets.
 */
(function () {
  "use strict";

  var DELAY_MS = 400;

  function start() {
    var form = document.getElementById("summary-form");
    var preview = document.getElementById("summary-preview");
    var status = document.getElementById("summary-preview-status");
    if (!form || !preview) return;
    var text = form.querySelector("textarea[name=text]");
    var timer = null;
    var asked = 0;

    function refresh() {
      var ticket = ++asked;
      var body = new FormData(form);
      fetch(form.dataset.previewUrl, {method: "POST", body: body, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          // Only the answer to the latest text is shown: an earlier one may arrive last.
          if (html !== null && ticket === asked) {
            preview.innerHTML = html;
            if (status) {
              // Emptied first: the same words set again would not be announced again.
              status.textContent = "";
              window.setTimeout(function () { status.textContent = status.dataset.updated; }, 50);
            }
          }
        })
        .catch(function () { /* offline: the "Preview" button still works */ });
    }

    text.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    });

    // A text area nobody has been in reports its caret at the very start: a citation would
    // go before the first section and renumber every paragraph. Until the user puts the
    // caret somewhere, it goes at the end.
    var caretPlaced = false;
    text.addEventListener("focus", function () { caretPlaced = true; });

    document.querySelectorAll(".summary-cite").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var line = button.dataset.citation;
        var at = caretPlaced ? text.selectionStart : text.value.length;
        var before = text.value.slice(0, at);
        var after = text.value.slice(caretPlaced ? text.selectionEnd : at);
        // A citation is a paragraph of its own: blank lines around it, as the markup wants.
        var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
        var tail = after === "" || /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
        text.value = before + lead + line + tail + after;
        var caret = (before + lead + line).length;
        text.focus();
        text.setSelectionRange(caret, caret);
        text.dispatchEvent(new Event("input"));
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
