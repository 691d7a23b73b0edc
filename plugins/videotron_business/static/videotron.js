// Vidéotron Business: live password checklist, username availability and suggestion.
// Progressive enhancement only: the server checks the same rules and every form works without it.
(function () {
  "use strict";
  var FORBIDDEN = /[\s=+<>#@]/;

  function passwordRules(value, min, max) {
    return {
      length: value.length >= min && value.length <= max,
      letter: /\p{L}/u.test(value),
      digit: /\p{Nd}/u.test(value),
      forbidden_chars: !FORBIDDEN.test(value)
    };
  }

  function setupChecklist(box) {
    var input = document.getElementById(box.dataset.for);
    if (!input) return;
    var min = parseInt(box.dataset.min, 10), max = parseInt(box.dataset.max, 10);
    var ok = box.querySelector("[data-text-ok]").textContent, ko = box.querySelector("[data-text-ko]").textContent;
    box.hidden = false;
    var describedBy = (input.getAttribute("aria-describedby") || "").trim();
    input.setAttribute("aria-describedby", (describedBy + " " + box.id).trim());
    function update() {
      var results = passwordRules(input.value, min, max);
      box.querySelectorAll("li[data-rule]").forEach(function (item) {
        var met = results[item.dataset.rule];
        var typed = input.value.length > 0;
        item.classList.toggle("is-ok", typed && met);
        item.classList.toggle("is-ko", typed && !met);
        item.querySelector(".vb-state").textContent = typed ? (met ? ok : ko) : "";
      });
    }
    input.addEventListener("input", update);
    update();
  }

  function localPart(email) {
    var at = email.lastIndexOf("@");
    if (at < 1) return null;
    var local = email.slice(0, at);
    return /^[A-Za-z0-9._-]{8,50}$/.test(local) ? local : null;
  }

  function setupUsername(status) {
    var input = document.getElementById("username");
    if (!input) return;
    var timer = null;
    function check() {
      var value = input.value.trim();
      status.className = "vb-availability";
      if (!value) { status.textContent = ""; return; }
      fetch(status.dataset.url + "?username=" + encodeURIComponent(value), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (input.value.trim() !== value) return;
          if (data.errors && data.errors.length) {
            status.textContent = data.errors.join(" ");
            status.classList.add("is-ko");
          } else if (data.message) {
            status.textContent = data.message;
            status.classList.add(data.available ? "is-ok" : "is-ko");
          }
        })
        .catch(function () { status.textContent = ""; });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 400);
    });
    if (input.value.trim()) check(); // a proposed username is checked at once

    var email = document.getElementById("email");
    var hint = document.getElementById("username-suggestion");
    if (email && hint) {
      email.addEventListener("input", function () {
        var proposal = localPart(email.value.trim());
        if (proposal && !input.value) {
          hint.textContent = hint.dataset.template.replace("__S__", proposal);
          hint.hidden = false;
        } else {
          hint.hidden = true;
        }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".vb-checklist").forEach(setupChecklist);
    var status = document.getElementById("username-availability");
    if (status) setupUsername(status);
  });
})();
