// Tables whose columns sort on a click of their heading (again: the other way).
import { el } from "../api.js";
import { dash } from "./format.js";

export function sortableTable(table, columns, rows) {
  let sortKey = null;
  let descending = true;
  const head = el("tr", {}, ...columns.map((column) => {
    const button = el("button", { type: "button", class: "link", "data-key": column.key }, column.label);
    button.addEventListener("click", () => {
      descending = sortKey === column.key ? !descending : true;
      sortKey = column.key;
      fill();
    });
    return el("th", { scope: "col", title: column.title || "" }, button);
  }));

  function fill() {
    const ordered = [...rows];
    if (sortKey !== null) {
      const value = (row) => row[sortKey] ?? -Infinity;
      ordered.sort((a, b) => {
        const [x, y] = [value(a), value(b)];
        const order = typeof x === "string" ? x.localeCompare(y) : x - y;
        return descending ? -order : order;
      });
    }
    for (const th of head.children) {
      const key = th.firstChild.dataset.key;
      th.setAttribute("aria-sort", key === sortKey ? (descending ? "descending" : "ascending") : "none");
    }
    const body = ordered.length
      ? ordered.map((row) => el("tr", {}, ...columns.map((column) => el("td", {}, column.show ? column.show(row[column.key], row) : String(row[column.key] ?? dash)))))
      : [el("tr", {}, el("td", { colspan: String(columns.length), class: "muted" }, "Nothing in this range."))];
    table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...body));
  }
  fill();
}
