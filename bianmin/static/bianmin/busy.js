// Long downloads and uploads say that they are working. A link marked data-download="正在生成…" fetches its
// file, shows the text meanwhile, then saves it under the server's file name (an error's message is shown
// instead of an error page); a form marked data-busy="正在导入…" shows the text on its button once sent and
// cannot be sent twice. Without script, links and forms work as they are.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("a[data-download]").forEach(function (link) {
    var label = link.textContent;
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.URL || link.getAttribute("aria-busy") === "true") return;
      event.preventDefault();
      link.setAttribute("aria-busy", "true");
      link.textContent = link.dataset.download;
      fetch(link.href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) {
            var message = text;
            try { message = JSON.parse(text).message || text; } catch (e) { /* a page, not JSON */ }
            throw new Error(message.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200));
          });
        }
        var disposition = response.headers.get("Content-Disposition") || "";
        var match = /filename\*=UTF-8''([^;]+)/i.exec(disposition) || /filename="?([^";]+)"?/i.exec(disposition);
        return response.blob().then(function (blob) {
          var save = document.createElement("a");
          save.href = URL.createObjectURL(blob);
          save.download = match ? decodeURIComponent(match[1]) : "";
          document.body.appendChild(save);
          save.click();
          setTimeout(function () { URL.revokeObjectURL(save.href); save.remove(); }, 1000);
          link.textContent = label;
        });
      }).catch(function (error) {
        link.textContent = label + " — " + error.message;
      }).then(function () {
        link.removeAttribute("aria-busy");
      });
    });
  });
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
      form.setAttribute("aria-busy", "true");
      var button = form.querySelector("button[type=submit], button:not([type])");
      if (button) { button.textContent = form.dataset.busy; button.disabled = true; }
    });
  });
});
