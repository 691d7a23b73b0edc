// Live preview of the projected settlement on the advance-change page (progressive enhancement:
// without JavaScript the number input and the "Simulate" button do the same on the server).
(function () {
  "use strict";
  function money(value, locale) {
    return new Intl.NumberFormat(locale || "fr-BE", { style: "currency", currency: "EUR" }).format(value);
  }
  function update(block, amount) {
    var cost = parseFloat(block.dataset.cost);
    var paid = parseFloat(block.dataset.paid);
    var remaining = parseInt(block.dataset.remaining, 10);
    var settlement = Math.round((cost - paid - amount * remaining) * 100) / 100;
    var label = block.querySelector(".projection-label");
    var value = block.querySelector("[data-settlement]");
    label.textContent = settlement < 0 ? block.dataset.refundLabel : block.dataset.extraLabel;
    value.textContent = money(Math.abs(settlement), block.dataset.locale);
  }
  document.querySelectorAll(".luminus-slider").forEach(function (block) {
    var range = block.querySelector(".luminus-range");
    var input = block.querySelector("input[type=number]");
    if (!range || !input) { return; }
    range.hidden = false;
    range.addEventListener("input", function () {
      input.value = range.value;
      update(block, parseFloat(range.value));
    });
    input.addEventListener("input", function () {
      var amount = parseFloat(input.value);
      if (!isNaN(amount)) {
        range.value = String(amount);
        update(block, amount);
      }
    });
  });
})();
