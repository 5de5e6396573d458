"""The page itself: its language for the browser, printing and scrolling.

A small anywidget (no build step: its JavaScript is a string here) that sets
``<html lang>`` to the app's language, so screen readers and spelling read
Danish as Danish, makes the page's content its main landmark (so a screen
reader can jump to it), and that the kernel can ask to print the hand-out's
frame (the browser's own print of the A4 page) or to bring an element into view.
Ctrl+Enter (Cmd+Enter on a Mac) anywhere presses the visible "Find" button,
so a keyboard user need not tab through the whole form.
"""

from __future__ import annotations

import anywidget
from traitlets import Unicode

__all__ = ["Page"]

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  const apply = () => { document.documentElement.lang = model.get("lang"); };
  apply();
  model.on("change:lang", apply);
  const main = document.getElementById("rendered_cells");
  if (main && !main.hasAttribute("role")) { main.setAttribute("role", "main"); }
  if (!window.bbShortcut) {
    window.bbShortcut = true;
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
      const found = document.querySelector(msg.selector);
      if (found) { found.scrollIntoView({ block: "start", behavior: "smooth" }); }
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

    def show(self, selector: str) -> None:
        """Scroll the page so the first element matching ``selector`` is in view."""
        self.send({"what": "show", "selector": selector})
