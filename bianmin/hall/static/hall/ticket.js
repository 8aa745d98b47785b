// The visitor's ticket page refreshes itself while the ticket waits or is called.
(function () {
  "use strict";
  var card = document.querySelector("[data-refresh]");
  var seconds = card ? parseInt(card.dataset.refresh, 10) : 0;
  if (seconds > 0) setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
