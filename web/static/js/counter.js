/* Pishkhan portal: faster hands at the counter. Everything works without it.
   - A national code the box has seen fills the name and mobile (the operator
     may change them); never over what the operator typed.
   - What is typed in the new-intake form is kept in this tab (sessionStorage),
     so a login that runs out while the form is open loses nothing: the form's
     Record leads to the login page and back to the form (?restore=1), where
     it is put back. Logging out forgets it.
   - Enter in a field moves to the next field; only the button records, and it
     shows it is working and cannot be pressed twice. */
(function () {
  "use strict";

  var DRAFT_PREFIX = "pishkhan.draft.";
  var NOT_KEPT = { csrf_token: true, return_to: true, service_code: true };

  // --- Enter moves on ------------------------------------------------------

  function focusable(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input, select, textarea, button"),
      function (element) {
        if (element.type === "hidden" || element.disabled || element.offsetParent === null) {
          return false;
        }
        return element.type !== "radio" || element === groupStop(form, element.name);
      });
  }

  function groupStop(form, name) {
    // a group of radio buttons is one stop, as with Tab: the chosen one, else the first
    var radios = form.querySelectorAll("input[type='radio'][name='" + name + "']");
    var chosen = Array.prototype.filter.call(radios, function (radio) { return radio.checked; });
    return chosen[0] || radios[0];
  }

  // On a form with data-enter-moves, or a field with it (a card reader types
  // the number and Enter), Enter goes on to the next field.
  function enterMovesOn(event) {
    var target = event.target;
    var scope = target.closest ? target.closest("[data-enter-moves]") : null;
    if (!scope || event.key !== "Enter" || target.tagName === "TEXTAREA" ||
        target.tagName === "BUTTON" || !target.form) {
      return;
    }
    event.preventDefault();   // no implicit submission: only the button records
    var order = focusable(target.form);
    var next = order[order.indexOf(target) + 1];
    if (next) { next.focus(); }
  }

  // --- the busy record button ----------------------------------------------

  function wireBusyButton(form, button, busyText) {
    var label = button.querySelector(".button-text");
    var idleText = label ? label.textContent : "";
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sending")) { event.preventDefault(); return; }
      form.setAttribute("data-sending", "1");
      button.disabled = true;   // after the submit began: the form still goes, once
      button.setAttribute("aria-busy", "true");
      button.classList.add("busy");
      if (label) { label.textContent = busyText; }
    });
    // Back to the page from the browser's history: the button works again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      form.removeAttribute("data-sending");
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.classList.remove("busy");
      if (label) { label.textContent = idleText; }
    });
  }

  // --- what was typed, kept over a login -------------------------------------

  function draftKey(name) { return DRAFT_PREFIX + name; }

  function readForm(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || NOT_KEPT[element.name]) { return; }
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) { return; }
      values[element.name] = element.value;
    });
    return values;
  }

  function writeForm(form, values) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || NOT_KEPT[element.name] || !(element.name in values)) { return; }
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = element.value === values[element.name];
      } else {
        element.value = values[element.name];
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function keepDrafts(form, name) {
    var key = draftKey(name);
    function save() {
      try { sessionStorage.setItem(key, JSON.stringify(readForm(form))); } catch (e) { /* full or off */ }
    }
    var kept = null;
    try { kept = sessionStorage.getItem(key); } catch (e) { kept = null; }
    if (kept && /[?&]restore=1(&|$)/.test(window.location.search)) {
      writeForm(form, JSON.parse(kept));
      document.getElementById("draft-restored").classList.remove("hidden");
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  }

  function forgetDrafts() {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(DRAFT_PREFIX) === 0) { sessionStorage.removeItem(key); }
      }
    } catch (e) { /* storage off: nothing kept */ }
  }

  // --- a citizen the box has seen ---------------------------------------------

  function wireCitizenLookup(form, url) {
    var code = form.querySelector("[name='national_code']");
    var name = form.querySelector("[name='full_name']");
    var mobile = form.querySelector("[name='mobile']");
    var notice = document.getElementById("citizen-filled");
    var asked = "", filled = {};
    if (!code || !name || !mobile) { return; }

    function fill(input, value) {
      // only an empty field, or one that still holds what was filled in before
      if (input.value.trim() && input.value !== filled[input.name]) { return false; }
      input.value = value;
      filled[input.name] = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      return true;
    }

    function lookUp() {
      var value = code.value.trim();
      var rules = window.pishkhanRules;
      if (!value || value === asked || (rules && rules.nationalCodeProblem(value))) { return; }
      asked = value;
      var body = new FormData();
      body.append("csrf_token", form.querySelector("[name='csrf_token']").value);
      body.append("national_code", value);
      fetch(url, { method: "POST", body: body, credentials: "same-origin",
                   headers: { Accept: "application/json" } })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
          return response.ok && !response.redirected && json ? response.json() : null;
        })
        .then(function (answer) {
          if (!answer || !answer.found || code.value.trim() !== value) { return; }
          var changed = fill(name, answer.full_name);
          changed = fill(mobile, answer.mobile) || changed;
          if (changed && notice) { notice.classList.remove("hidden"); }
        })
        .catch(function () { /* the box did not answer: the operator types as before */ });
    }

    code.addEventListener("input", lookUp);
    code.addEventListener("change", lookUp);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.addEventListener("keydown", enterMovesOn);
    var logout = document.getElementById("logout");
    if (logout) { logout.form.addEventListener("submit", forgetDrafts); }
    var aids = document.getElementById("counter-aids");
    if (!aids) { return; }
    var form = aids.closest("form");
    wireCitizenLookup(form, aids.getAttribute("data-lookup"));
    keepDrafts(form, aids.getAttribute("data-draft"));
    var button = form.querySelector("button[type='submit']");
    if (button) { wireBusyButton(form, button, aids.getAttribute("data-busy")); }
  });
}());
