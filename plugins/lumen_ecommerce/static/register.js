// Lumen access request: signature pad (mouse, finger, pen), user blocks that follow the number of
// users, and the "recover a password" shortcut. Progressive enhancement: the form works without it
// (server-side "Update the user blocks" button; typed signature when the tenant allows it).
(function () {
  "use strict";

  function setupSignature() {
    var pad = document.getElementById("signature-pad");
    var canvas = document.getElementById("signature-canvas");
    var input = document.getElementById("signature");
    var clear = document.getElementById("signature-clear");
    if (!pad || !canvas || !input) return;
    pad.hidden = false;
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var last = null;

    function style() {
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111111";
    }
    style();

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - rect.left) * (canvas.width / rect.width),
        y: (event.clientY - rect.top) * (canvas.height / rect.height)
      };
    }

    function save() {
      input.value = canvas.toDataURL("image/png");
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      ctx.fillStyle = "#111111";
      ctx.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var next = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(next.x, next.y);
      ctx.stroke();
      last = next;
    });
    function stop() {
      if (!drawing) return;
      drawing = false;
      save();
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        input.value = "";
        canvas.focus();
      });
    }

    // Keep a signature drawn before a failed submission.
    if (input.value && input.value.indexOf("data:image/png;base64,") === 0) {
      var image = new Image();
      image.onload = function () { ctx.drawImage(image, 0, 0); };
      image.src = input.value;
    }
  }

  function renumber(block, index) {
    block.setAttribute("data-index", String(index));
    var legend = block.querySelector("legend");
    var template = document.getElementById("user-blocks").getAttribute("data-legend");
    if (legend && template) legend.textContent = template.replace("%s", String(index + 1));
    var pattern = /users-\d+-/g;
    block.querySelectorAll("[id],[name],[for],[aria-describedby]").forEach(function (el) {
      ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, "users-" + index + "-"));
      });
    });
  }

  function setupUserBlocks() {
    var container = document.getElementById("user-blocks");
    var count = document.getElementById("user_count");
    var refresh = document.getElementById("refresh-users");
    if (!container || !count) return;
    if (refresh) refresh.hidden = true;
    count.addEventListener("input", function () {
      var wanted = parseInt(count.value, 10);
      if (isNaN(wanted) || wanted < 1 || wanted > 25) return;
      var blocks = container.querySelectorAll("fieldset.lumen-user");
      var first = blocks[0];
      for (var i = blocks.length; i < wanted; i++) {
        var clone = first.cloneNode(true);
        clone.querySelectorAll("input").forEach(function (input) {
          if (input.type === "radio") input.checked = false; else input.value = "";
          input.removeAttribute("aria-invalid");
        });
        clone.querySelectorAll(".error").forEach(function (el) { el.remove(); });
        clone.querySelectorAll(".field--error").forEach(function (el) { el.classList.remove("field--error"); });
        renumber(clone, i);
        container.appendChild(clone);
        document.dispatchEvent(new CustomEvent("lumen:blocks"));
      }
      for (var j = blocks.length - 1; j >= wanted; j--) {
        blocks[j].remove();
      }
    });
  }

  function setupAction() {
    var radios = document.querySelectorAll("input[name=action]");
    var note = document.getElementById("recover-note");
    function update() {
      var checked = document.querySelector("input[name=action]:checked");
      var value = checked ? checked.value : "create";
      if (note) note.hidden = value !== "recover";
      document.querySelectorAll(".lumen-permission").forEach(function (el) { el.hidden = value === "remove"; });
      document.querySelectorAll(".lumen-modify-only").forEach(function (el) { el.hidden = value !== "modify"; });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    document.addEventListener("lumen:blocks", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupSignature();
    setupUserBlocks();
    setupAction();
  });
})();
