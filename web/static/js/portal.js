/* Pishkhan portal: the little JavaScript it has. Everything works without it;
   this only gives earlier hints and a print button. The checks mirror the
   box's own rules (edge.nationalcode, edge.phone); the server checks again. */
(function () {
  "use strict";

  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹", ARABIC = "٠١٢٣٤٥٦٧٨٩";

  function asciiDigits(text) {
    return text.replace(/[۰-۹٠-٩]/g, function (d) {
      var i = PERSIAN.indexOf(d);
      return String(i >= 0 ? i : ARABIC.indexOf(d));
    });
  }

  function nationalCodeProblem(raw) {
    var code = asciiDigits(raw).replace(/[\s\-_.]/g, "");
    if (!/^[0-9]{8,10}$/.test(code)) { return "format"; }
    while (code.length < 10) { code = "0" + code; }
    if (/^(\d)\1{9}$/.test(code)) { return "same"; }
    var sum = 0;
    for (var i = 0; i < 9; i++) { sum += Number(code[i]) * (10 - i); }
    var rest = sum % 11, check = rest < 2 ? rest : 11 - rest;
    return check === Number(code[9]) ? "" : "checksum";
  }

  function mobileOk(raw) {
    var number = asciiDigits(raw).replace(/[\s\-().]/g, "");
    return /^(?:\+98|0098|98|0)?9\d{9}$/.test(number);
  }

  function problemOf(input, messages) {
    var value = input.value.trim();
    if (!value) { return ""; }
    var kind = input.getAttribute("data-check");
    if (kind === "national_code") {
      var problem = nationalCodeProblem(value);
      return problem ? messages.getAttribute("data-national_code-" + problem) : "";
    }
    if (kind === "mobile") { return mobileOk(value) ? "" : messages.getAttribute("data-mobile"); }
    if (kind === "digits") {
      return /^[0-9\s\-]+$/.test(asciiDigits(value)) ? "" : messages.getAttribute("data-digits");
    }
    return "";
  }

  function showProblem(input, text) {
    var box = document.getElementById("e-" + input.name);
    var field = input.closest(".field");
    if (box) { box.textContent = text; }
    if (field) { field.classList.toggle("has-error", Boolean(text)); }
    if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  function wireChecks() {
    var messages = document.getElementById("check-messages");
    if (!messages) { return; }
    var inputs = document.querySelectorAll("[data-check]");
    Array.prototype.forEach.call(inputs, function (input) {
      var typed = false;
      input.addEventListener("input", function () {
        // While typing, say only when it is surely wrong or has become right.
        var problem = problemOf(input, messages);
        if (!problem || typed) { showProblem(input, problem); }
      });
      input.addEventListener("blur", function () {
        typed = true;
        showProblem(input, problemOf(input, messages));
      });
    });
    var reference = document.getElementById("f-payment.reference");
    var card = document.getElementById("pay-card");
    function referenceState() {
      if (!reference || !card) { return; }
      reference.required = card.checked;
      reference.closest(".field").classList.toggle("needed", card.checked);
    }
    Array.prototype.forEach.call(document.querySelectorAll("input[name='payment.method']"),
      function (radio) { radio.addEventListener("change", referenceState); });
    referenceState();
  }

  function fold(text) {
    return asciiDigits(text).replace(/ي|ى/g, "ی").replace(/ك/g, "ک").replace(/ة|ۀ/g, "ه")
      .replace(/[أإآ]/g, "ا").replace(/\u200c/g, " ").replace(/[\u064B-\u0655\u0670\u0640]/g, "")
      .toLowerCase();
  }

  function wireFilter() {
    var input = document.querySelector("[data-filter]");
    if (!input) { return; }
    var list = document.querySelector(input.getAttribute("data-filter"));
    var none = document.getElementById("service-none");
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean), shown = 0;
      Array.prototype.forEach.call(list.querySelectorAll("li[data-search]"), function (item) {
        var hay = fold(item.getAttribute("data-search"));
        var ok = words.every(function (w) { return hay.indexOf(w) >= 0; });
        item.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (none) { none.classList.toggle("hidden", shown > 0); }
    });
  }

  function wirePrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // The rules, for the test that holds them to the box's own (tests/portal/test_browser.py).
  window.pishkhanRules = { nationalCodeProblem: nationalCodeProblem, mobileOk: mobileOk };

  function focusFirstProblem() {
    // A form that came back with mistakes: the cursor goes to the first one.
    var first = document.querySelector(".has-error input, .has-error textarea, .has-error select");
    if (first) { first.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstProblem();
    wireChecks();
    wireFilter();
    wirePrint();
  });
}());
