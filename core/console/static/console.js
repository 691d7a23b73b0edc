// Progressive enhancement of the console's ticket page: "Insert" puts the chosen reply macro in the
// reply box without reloading the page. Without this file the button posts the form, and the page comes
// back with the same text in the box.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("reply-form");
  const insert = form && form.querySelector("[data-insert-macro]");
  if (!insert) return;
  const select = form.querySelector("#reply-macro");
  const box = form.querySelector("#reply-body");
  insert.addEventListener("click", (event) => {
    const option = select.selectedOptions[0];
    if (!option || !option.value) return; // the server asks to choose one first
    event.preventDefault();
    const text = option.dataset.text || "";
    box.value = box.value.trim() ? `${box.value.replace(/\s+$/, "")}\n\n${text}` : text;
    const used = [...form.querySelectorAll("input[name=macro_used]")].map((input) => input.value);
    if (!used.includes(option.value)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "macro_used";
      input.value = option.value;
      form.appendChild(input);
    }
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  });
});
