/* Pishkhan portal: the login page's card login. A reader at the operator's PC
   types the card number into the card field by itself (and Enter, which
   moves on to the PIN). The box's own reader is asked every second whether a
   card was just read there; its answer is a ticket, never the card's number,
   and goes with the PIN the operator types. */
(function () {
  "use strict";

  var POLL_MS = 1000;

  function watchTheBoxReader(notice) {
    var ticket = document.getElementById("f-card_ticket");
    var card = document.getElementById("f-card");
    var pin = document.getElementById("f-pin");
    var url = notice.getAttribute("data-poll");
    var seen = "";

    function ask() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          var now = answer && answer.ticket ? answer.ticket : "";
          if (now && now !== seen) {
            ticket.value = now;
            card.value = "";
            notice.classList.remove("hidden");
            pin.focus();
          } else if (!now && ticket.value) {   // too old now: the typed card counts again
            ticket.value = "";
            notice.classList.add("hidden");
          }
          seen = now;
        })
        .catch(function () { /* the box did not answer: ask again */ })
        .then(function () { window.setTimeout(ask, POLL_MS); });
    }

    card.addEventListener("input", function () {   // a card typed at the desk wins
      ticket.value = "";
      notice.classList.add("hidden");
    });
    ask();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var notice = document.getElementById("card-at-box");
    if (notice) { watchTheBoxReader(notice); }
  });
}());
