// The annotation page's keyboard: one table of shortcuts, read both by the key handler and by
// the `?` overlay that lists them, so the two cannot drift apart. Keys act whatever control has
// focus (the class drop-down and the buttons included), except while typing in a text field.

const ctrl = (event) => event.ctrlKey || event.metaKey;
const plain = (event) => !event.ctrlKey && !event.metaKey && !event.altKey;
const letter = (k) => (event, key) => plain(event) && key === k;

// Tab is the page's while the engine proposed masks to cycle, or while no control has focus
// (after a press on the image, say); otherwise it moves the focus, as everywhere.
const onControl = (event) => event.target instanceof Element
  && event.target.closest("button, select, input, textarea, a[href], [contenteditable]") !== null;

// actions: { help(), escape(), undo(), redo(), accept(), doneAndNext(), hasProposals(),
//            nextProposal(), toggleSaved(), chooseClass(index), tool(name), removePointed(),
//            magnifier(), matte(), next(), previous(), size(delta), fit(), zoom(factor) }
export function shortcutTable(a) {
  const tool = (key, name, label) => ({ keys: key.toUpperCase(), does: `${label} tool`, match: letter(key), run: () => a.tool(name) });
  return [
    { keys: "?", does: "show or hide this list of shortcuts", match: (e) => e.key === "?", run: a.help },
    { keys: "Esc", does: "close this list; leave a saved object as it was (cancel a correction)", match: (e) => e.key === "Escape", run: a.escape },
    { keys: "Enter", does: "accept the object and save it", match: (e) => e.key === "Enter" && !e.shiftKey, run: a.accept },
    { keys: "Shift+Enter", does: "mark the image done and go to the next one", match: (e) => e.key === "Enter" && e.shiftKey, run: a.doneAndNext },
    { keys: "Ctrl+Z", does: "undo (with no step to undo: bring back the object deleted last)", match: (e, k) => ctrl(e) && !e.shiftKey && k === "z", run: a.undo },
    { keys: "Ctrl+Shift+Z or Ctrl+Y", does: "redo", match: (e, k) => ctrl(e) && ((e.shiftKey && k === "z") || k === "y"), run: a.redo },
    { keys: "Tab", does: "next proposed mask (SAM, after the first click); says so when the engine proposes none", match: (e) => e.key === "Tab" && !e.shiftKey && plain(e) && (a.hasProposals() || !onControl(e)), run: a.nextProposal },
    { keys: "1 … 9", does: "choose the class, in the project's order", match: (e) => plain(e) && /^[1-9]$/.test(e.key), run: (e) => a.chooseClass(Number(e.key) - 1) },
    tool("c", "click", "Click"),
    tool("b", "box", "Box"),
    tool("s", "scribble", "Scribble"),
    tool("p", "brush", "Brush"),
    tool("e", "eraser", "Eraser"),
    tool("o", "correct", "Correct saved"),
    tool("x", "delete", "Delete saved"),
    { keys: "Delete", does: "delete the saved object under the pointer", match: (e) => e.key === "Delete", run: a.removePointed },
    { keys: "M", does: "magnifier on or off", match: letter("m"), run: a.magnifier },
    { keys: "H", does: "show or hide the saved objects", match: letter("h"), run: a.toggleSaved },
    { keys: "T", does: "matte of the saved object under the pointer (else the selected, else the last saved), shown or hidden", match: letter("t"), run: a.matte },
    { keys: "D", does: "previous image in my work", match: letter("d"), run: a.previous },
    { keys: "F", does: "next image in my work", match: letter("f"), run: a.next },
    { keys: "[ and ]", does: "brush and eraser size down or up", match: (e, k) => plain(e) && (k === "[" || k === "]"), run: (e) => a.size(e.key === "]" ? 2 : -2) },
    { keys: "0", does: "fit the image in the window", match: letter("0"), run: a.fit },
    { keys: "+ and −", does: "zoom in or out", match: (e, k) => plain(e) && ["+", "=", "-"].includes(k), run: (e) => a.zoom(e.key === "-" ? 1 / 1.25 : 1.25) },
  ];
}

const TEXT_INPUTS = new Set(["text", "search", "email", "url", "tel", "password", "number"]);

// Whether keys typed at `target` are text (a text field, a text area, editable content).
function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type);
}

// Runs the table's shortcuts from keys pressed anywhere on the page. While the overlay is open,
// only the keys that close it (? and Esc) act.
export function listenForShortcuts(table, overlay) {
  window.addEventListener("keydown", (event) => {
    if (typing(event.target)) return;
    const key = event.key.toLowerCase();
    const entry = table.find((s) => s.match(event, key));
    if (!entry || (!overlay.hidden && !["?", "Escape"].includes(event.key))) return;
    event.preventDefault();
    event.stopPropagation();
    entry.run(event);
  }, { capture: true });
}

// The overlay's list, one row per shortcut of the table.
export function fillOverlay(table, list) {
  list.replaceChildren(...table.map((s) => {
    const row = document.createElement("tr");
    const keys = document.createElement("th");
    keys.append(...s.keys.split(" ").map((part) => {
      if (["and", "or", "…"].includes(part)) return ` ${part} `;
      const kbd = document.createElement("kbd");
      kbd.textContent = part;
      return kbd;
    }));
    const does = document.createElement("td");
    does.textContent = s.does;
    row.append(keys, does);
    return row;
  }));
}
