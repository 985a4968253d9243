// sscmm pages: live search and filters over a table (the model browser's KPI catalogue).
// A form with data-filter="TABLE-ID" filters that table's body rows: its text inputs
// match the row's text, each select a data-NAME attribute of the row (empty: any).
"use strict";
document.querySelectorAll("form[data-filter]").forEach((form) => {
  const table = document.getElementById(form.dataset.filter);
  const shown = form.querySelector("output");
  const rows = Array.from(table.tBodies[0].rows);
  const apply = () => {
    const words = Array.from(form.querySelectorAll("input[type=search]"))
      .flatMap((input) => input.value.toLowerCase().split(/\s+/).filter(Boolean));
    const selects = Array.from(form.querySelectorAll("select")).filter((s) => s.value !== "");
    let count = 0;
    rows.forEach((row) => {
      const text = row.textContent.toLowerCase();
      const visible = words.every((w) => text.includes(w)) &&
        selects.every((s) => row.dataset[s.name] === s.value);
      row.hidden = !visible;
      count += visible ? 1 : 0;
    });
    if (shown) shown.textContent = `${count} of ${rows.length} shown`;
  };
  form.addEventListener("input", apply);
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
  apply();
});
