// Knowledge base panel of the ticket workspace: a result's "insert" button
// puts the article's link or text into the reply box at the cursor. Without
// JavaScript the link is shown as text to copy.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-kb-insert]") : null;
    if (!btn) return;
    var box = document.getElementById("body");
    if (!box) return;
    var value = btn.getAttribute("data-kb-insert") || "";
    var start = box.selectionStart || 0, end = box.selectionEnd || 0;
    var before = box.value.slice(0, start), after = box.value.slice(end);
    var sep = before && !/\s$/.test(before) ? "\n\n" : "";
    box.value = before + sep + value + after;
    var at = (before + sep + value).length;
    box.focus();
    box.setSelectionRange(at, at);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
