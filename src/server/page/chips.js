// An editable list of chips (labels, relations, classes): type and press Enter or comma to add, × or
// Backspace on an empty input to remove. Each chip shows its label colour when a colour function is given.

export function chipInput({ values, placeholder, colourOf, onChange, name }) {
  let items = [...values];
  const root = document.createElement("div");
  root.className = "chips";
  root.dataset.name = name;
  const input = document.createElement("input");
  input.type = "text";
  input.placeholder = placeholder;
  input.setAttribute("aria-label", placeholder);
  root.addEventListener("click", (event) => {
    if (event.target === root) input.focus();
  });

  const render = () => {
    root.querySelectorAll(".chip").forEach((chip) => chip.remove());
    for (const value of items) {
      const chip = document.createElement("span");
      chip.className = "chip";
      if (colourOf) chip.style.setProperty("--c", colourOf(value));
      chip.append(value);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", `Remove ${value}`);
      remove.textContent = "×";
      remove.addEventListener("click", () => set(items.filter((v) => v !== value)));
      chip.append(remove);
      root.insertBefore(chip, input);
    }
  };
  const set = (next) => {
    items = [...new Set(next.map((v) => v.trim()).filter((v) => v.length > 0))];
    render();
    onChange?.(items);
  };
  const commit = () => {
    const parts = input.value.split(",");
    input.value = "";
    if (parts.some((p) => p.trim())) set([...items, ...parts]);
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      commit();
    } else if (event.key === "Backspace" && input.value === "" && items.length > 0) {
      set(items.slice(0, -1));
    }
  });
  input.addEventListener("blur", commit);
  root.append(input);
  render();
  return {
    element: root,
    get values() {
      commit();
      return [...items];
    },
    refresh: render,
  };
}
