/* After a refused save, the focus goes to the error summary at the top of the form, so
 * that a screen reader reads the errors first and a keyboard user starts from the list of
 * links to the fields.
 *
 * Progressive enhancement only: without this script the summary is still the first thing
 * in the page's main content, and its role="alert" has it announced.
 */
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
