/* A live word count under every textarea with data-max-words.
 *
 * Progressive enhancement only: without this script the server counts the words on each
 * save and shows "N words of at most 2,000" next to the field. The count mirrors the
 * server's (submissions/validation.py count_words): in Chinese, Japanese and Korean,
 * which do not separate words with spaces, every two characters count as one word. The
 * language comes from the form's language select, read on every change.
 */
(function () {
  "use strict";

  var CJK_LANGUAGES = ["zh", "ja", "ko"];
  var CJK = /[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]/gu;
  var WORD = /[\p{L}\p{M}\p{N}_]+(?:['\u2019-][\p{L}\p{M}\p{N}_]+)*/gu;
  var PLAIN_WORD = /[\p{L}\p{M}\p{N}_]+/gu;
  var ANNOUNCE_AFTER_MS = 1000;

  function countWords(text, language) {
    var cjk = (text.match(CJK) || []).length;
    var length = Array.from(text).length;
    if (CJK_LANGUAGES.indexOf(language) !== -1 || cjk > length / 4) {
      var rest = text.replace(CJK, " ");
      return Math.floor((cjk + 1) / 2) + (rest.match(PLAIN_WORD) || []).length;
    }
    return (text.match(WORD) || []).length;
  }

  function formatNumber(value) {
    var lang = document.documentElement.lang || undefined;
    try {
      // Western digits, as the server writes them in every language (Arabic's too).
      return new Intl.NumberFormat(lang, {numberingSystem: "latn"}).format(value);
    } catch (error) {
      return String(value);
    }
  }

  function enhance(textarea) {
    var max = parseInt(textarea.getAttribute("data-max-words"), 10);
    var output = document.getElementById(textarea.id + "_count");
    if (!output || isNaN(max)) {
      return;
    }
    var form = textarea.form;
    var fieldName = textarea.getAttribute("data-language-field") || "language";
    var languageSelect = form ? form.elements.namedItem(fieldName) : null;
    // The wording of each plural form, keyed by a sample number of that form; the count
    // takes the wording of the sample in its own plural category (Russian says
    // "2 слова" but "5 слов", Arabic has six forms).
    var forms = {};
    try {
      forms = JSON.parse(output.getAttribute("data-forms") || "{}");
    } catch (error) {
      forms = {};
    }
    var rules = null;
    try {
      rules = new Intl.PluralRules(document.documentElement.lang || undefined);
    } catch (error) {
      rules = null;
    }

    function wording(count) {
      if (rules) {
        var category = rules.select(count);
        for (var sample in forms) {
          if (Object.prototype.hasOwnProperty.call(forms, sample) && rules.select(Number(sample)) === category) {
            return forms[sample];
          }
        }
      }
      return forms[count === 1 ? "1" : "100"];
    }

    // Screen readers hear the count once typing pauses, not at every key.
    var announcer = document.createElement("p");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    output.parentNode.insertBefore(announcer, output.nextSibling);
    var timer = null;

    function update() {
      var language = languageSelect ? languageSelect.value : "";
      var count = countWords(textarea.value, language);
      var template = wording(count);
      var text = template ? template.replace("{count}", formatNumber(count)) : formatNumber(count);
      output.textContent = text;
      output.classList.toggle("word-count-over", count > max);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        announcer.textContent = text;
      }, ANNOUNCE_AFTER_MS);
    }

    textarea.addEventListener("input", update);
    if (languageSelect) {
      languageSelect.addEventListener("change", update);
    }
    update();
  }

  function init() {
    var textareas = document.querySelectorAll("textarea[data-max-words]");
    for (var i = 0; i < textareas.length; i += 1) {
      enhance(textareas[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
