// On a phone, the parts of a page marked data-compact (filters, intake buttons) start folded, so the first
// matter shows without scrolling past them; a tap on their summary opens them. Without script all stay open.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(max-width: 640px)").matches) return;
  document.querySelectorAll("details[data-compact]").forEach(function (part) { part.open = false; });
});
