"""The page itself: its language for the browser, printing and scrolling.

A small anywidget (no build step: its JavaScript is a string here) that sets
``<html lang>`` to the app's language, so screen readers and spelling read
Danish as Danish, makes the page's content its main landmark (so a screen
reader can jump to it), and that the kernel can ask to print the hand-out's
frame (the browser's own print of the A4 page) or to bring an element into view.
Ctrl+Enter (Cmd+Enter on a Mac) anywhere presses the visible "Find" button,
so a keyboard user need not tab through the whole form.

It also gives ipywidgets' controls the keyboard behaviour their kind has in
the WAI-ARIA authoring practices, which ipywidgets leaves out:

- the weekday × part-of-day grid (``.bb-week``) is one Tab stop; the arrow
  keys (and Home/End) move between its checkboxes and Space ticks one;
- so is a row of checkboxes for a choice of several (``.bb-choices``: travel
  modes, languages, interests), as a chip set is: one Tab stop named by its
  title, the arrow keys move along it (one line, however it wraps), Space ticks;
- a row of toggle buttons that picks one value (``.widget-toggle-buttons``)
  is a radio group: one Tab stop, ``role="radio"`` with ``aria-checked`` on
  each button, and the arrow keys choose the next or previous value;
- a folding section's header button (``.bb-fold``) says ``aria-expanded``;
- on a fresh page, the field marked ``.bb-first`` has the focus, so typing
  starts the profile; the kernel can move the focus to what a step produced
  (the first result after Find, the print button after a booking).
"""

from __future__ import annotations

import anywidget
from traitlets import Unicode

__all__ = ["Page"]

_ESM = """
function cellsOf(grid) { return [...grid.querySelectorAll("input[type=checkbox]")]; }

function buttonsOf(group) { return [...group.querySelectorAll("button")]; }

function setAttr(node, name, value) {
  if (node.getAttribute(name) !== value) { node.setAttribute(name, value); }
}

const ROVING = ".bb-week, .bb-choices";

function roveGrid(grid, index) {
  const cells = cellsOf(grid);
  if (!cells.length) { return; }
  let current = index === undefined ? Number(grid.dataset.bbCurrent || 0) : index;
  if (!(current >= 0 && current < cells.length)) { current = 0; }
  grid.dataset.bbCurrent = String(current);
  setAttr(grid, "role", "group");
  const title = grid.querySelector(".bb-group-title");
  if (title && title.textContent.trim()) { setAttr(grid, "aria-label", title.textContent.trim()); }
  const hint = document.getElementById("bb-grid-hint");
  if (hint && grid.matches(".bb-week")) { setAttr(grid, "aria-describedby", "bb-grid-hint"); }
  cells.forEach((cell, k) => setAttr(cell, "tabindex", k === current ? "0" : "-1"));
}

function roveRadios(box) {
  const group = box.querySelector(":scope > div") || box;
  const buttons = buttonsOf(group);
  if (!buttons.length) { return; }
  setAttr(group, "role", "radiogroup");
  const label = box.querySelector(":scope > label");
  const name = label && label.textContent.trim() ? label.textContent.trim() : buttons[0].title;
  if (name) { setAttr(group, "aria-label", name); }
  let chosen = buttons.findIndex((b) => b.classList.contains("mod-active"));
  const focused = buttons.indexOf(document.activeElement);
  const stop = focused >= 0 ? focused : Math.max(chosen, 0);
  buttons.forEach((b, k) => {
    setAttr(b, "role", "radio");
    setAttr(b, "aria-checked", k === chosen ? "true" : "false");
    setAttr(b, "tabindex", k === stop ? "0" : "-1");
  });
}

function enhance() {
  document.querySelectorAll(ROVING).forEach((grid) => roveGrid(grid));
  document.querySelectorAll(".widget-toggle-buttons").forEach(roveRadios);
  document.querySelectorAll("button.bb-fold").forEach((b) => {
    setAttr(b, "aria-expanded", b.classList.contains("bb-open") ? "true" : "false");
  });
}

function arrowed(event) {
  const target = event.target;
  if (!target || !target.closest || event.altKey || event.ctrlKey || event.metaKey) { return; }
  const grid = target.closest(ROVING);
  if (grid && target.matches("input[type=checkbox]")) {
    const cells = cellsOf(grid);
    const i = cells.indexOf(target);
    const columns = grid.matches(".bb-week") ? 7 : cells.length;
    if (columns === cells.length) {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      const j = step === undefined ? { Home: 0, End: cells.length - 1 }[event.key]
        : Math.min(Math.max(i + step, 0), cells.length - 1);
      if (j !== undefined) {
        event.preventDefault();
        roveGrid(grid, j);
        cells[j].focus();
      }
      return;
    }
    const column = i % columns;
    const moves = {
      ArrowRight: column < columns - 1 ? i + 1 : i,
      ArrowLeft: column > 0 ? i - 1 : i,
      ArrowDown: i + columns < cells.length ? i + columns : i,
      ArrowUp: i - columns >= 0 ? i - columns : i,
      Home: i - column,
      End: i - column + columns - 1,
    };
    if (Object.hasOwn(moves, event.key)) {
      event.preventDefault();
      const j = moves[event.key];
      roveGrid(grid, j);
      cells[j].focus();
    }
    return;
  }
  const box = target.closest(".widget-toggle-buttons");
  if (box && target.matches("button")) {
    const buttons = buttonsOf(box).filter((b) => !b.disabled);
    const i = buttons.indexOf(target);
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step !== undefined && i >= 0) {
      event.preventDefault();
      const next = buttons[(i + step + buttons.length) % buttons.length];
      next.focus();
      next.click();
    }
  }
}

function focusWhenThere(selector, focus, tries) {
  const target = document.querySelector(focus || selector);
  if (!target) {
    if (tries > 0) { setTimeout(() => focusWhenThere(selector, focus, tries - 1), 50); }
    return;
  }
  const shown = document.querySelector(selector) || target;
  shown.scrollIntoView({ block: "start", behavior: "smooth" });
  if (focus) {
    if (!target.matches("a, button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
  }
}

function focusFirst(tries) {
  const first = document.querySelector(".bb-first input");
  const idle = !document.activeElement || document.activeElement === document.body;
  if (first && first.offsetParent !== null) {
    if (idle) { first.focus(); }
    return;
  }
  if (tries > 0) { setTimeout(() => focusFirst(tries - 1), 100); }
}

function render({ model, el }) {
  el.style.display = "none";
  const apply = () => { document.documentElement.lang = model.get("lang"); };
  apply();
  model.on("change:lang", apply);
  const main = document.getElementById("rendered_cells");
  if (main && !main.hasAttribute("role")) { main.setAttribute("role", "main"); }
  if (!window.bbShortcut) {
    window.bbShortcut = true;
    let queued = false;
    new MutationObserver(() => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(() => { queued = false; enhance(); });
      }
    }).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["class", "tabindex"],
    });
    enhance();
    document.addEventListener("keydown", arrowed, true);
    document.addEventListener("focusin", (event) => {
      const grid = event.target.closest && event.target.closest(ROVING);
      if (grid && event.target.matches("input[type=checkbox]")) {
        roveGrid(grid, cellsOf(grid).indexOf(event.target));
      }
    });
    focusFirst(300);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        const find = [...document.querySelectorAll(".bb-find button, button.bb-find")]
          .find((b) => b.offsetParent !== null);
        if (find) { event.preventDefault(); find.click(); }
      }
    });
  }
  model.on("msg:custom", (msg) => {
    if (msg.what === "print") {
      const frame = document.getElementById(msg.id);
      if (frame && frame.contentWindow) {
        frame.contentWindow.focus();
        frame.contentWindow.print();
      }
    } else if (msg.what === "show") {
      focusWhenThere(msg.selector, msg.focus, 60);
    }
  });
}
export default { render };
"""


class Page(anywidget.AnyWidget):
    """The page's language (``lang``), and print and scroll requests."""

    _esm = _ESM
    lang = Unicode("da").tag(sync=True)

    def print_frame(self, element_id: str) -> None:
        """Print the ``<iframe>`` with ``element_id`` with the browser's print."""
        self.send({"what": "print", "id": element_id})

    def show(self, selector: str, *, focus: str = "") -> None:
        """Scroll the page so the first element matching ``selector`` is in view and,
        with ``focus``, move the keyboard's focus to the element matching that (once
        the browser has drawn it: the kernel's new widgets arrive a moment later)."""
        message = {"what": "show", "selector": selector}
        if focus:
            message["focus"] = focus
        self.send(message)
