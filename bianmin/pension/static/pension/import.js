/* A long register import runs after the upload's response: follow its progress, then show the outcome. */
(function () {
  "use strict";
  var card = document.getElementById("import-job");
  if (!card || card.dataset.state !== "running") { return; }
  var bar = document.getElementById("import-progress");
  var label = document.getElementById("import-text");

  function poll() {
    fetch(card.dataset.status, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (job) {
      if (job.state !== "running") { window.location.reload(); return; }
      if (job.rows > 0) {
        bar.max = job.rows;
        bar.value = job.written;
        label.textContent = job.written + " / " + job.rows + " " + label.dataset.writing;
      } else {
        label.textContent = job.checked + " " + label.dataset.checking;
      }
      window.setTimeout(poll, 1000);
    }).catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
