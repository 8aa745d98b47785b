// Rotate the village screen's notices; reload now and then so newly published ones appear.
(function () {
  "use strict";
  var body = document.body;
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var seconds = parseInt(body.getAttribute("data-seconds"), 10) || 15;
  var reload = parseInt(body.getAttribute("data-reload"), 10) || 600;
  var count = document.getElementById("screen-count");
  var index = 0;
  function show(i) {
    slides.forEach(function (s, j) { s.classList.toggle("shown", i === j); });
    if (count && slides.length > 1) { count.textContent = (i + 1) + " / " + slides.length; }
  }
  show(0);
  if (slides.length > 1) {
    setInterval(function () { index = (index + 1) % slides.length; show(index); }, seconds * 1000);
  }
  setTimeout(function () { window.location.reload(); }, reload * 1000);
})();
