// Live username availability on the registration form (progressive enhancement; the server checks again).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-username-check]");
  if (!box) return;
  const input = box.querySelector("input");
  const status = box.querySelector("[data-username-status]");
  if (!input || !status) return;
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const value = input.value.trim();
    if (!value) { status.textContent = ""; return; }
    timer = setTimeout(async () => {
      try {
        const url = box.dataset.usernameCheck + "?username=" + encodeURIComponent(value);
        const response = await fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" });
        const data = await response.json();
        status.textContent = data.available ? box.dataset.availableText || "✓" : data.messages.join(" ");
        status.className = data.available ? "help help--ok" : "error";
      } catch (error) {
        status.textContent = "";
      }
    }, 350);
  });
});
