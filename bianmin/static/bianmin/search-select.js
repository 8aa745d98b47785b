// A search box above each <select data-search="placeholder">: typing keeps only the options whose name
// contains the text (and the groups that still have one), so a clerk finds a unit among a county's hundreds
// without scrolling. Without script the select works as it is.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-search]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.placeholder = select.dataset.search;
    box.setAttribute("aria-label", select.dataset.search);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var text = box.value.trim();
      var first = null;
      select.querySelectorAll("option").forEach(function (option) {
        var keep = !option.value || !text || option.textContent.indexOf(text) !== -1;
        option.hidden = !keep;
        if (keep && option.value && !first) first = option;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      // One match left: choose it, so Enter submits it.
      var matches = select.querySelectorAll("option:not([hidden])[value]:not([value=''])");
      if (text && matches.length === 1 && !select.multiple) select.value = matches[0].value;
    });
  });
});
