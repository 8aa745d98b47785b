/* The hall's keyboard flow: type or scan an identity number, Enter, and the next one at once. Each number is
   queued and sent to the API in turn, so the person at the counter never waits for the answer; the input
   keeps the focus all the time (a scanner types into whatever has it). */
(function () {
  "use strict";
  var form = document.getElementById("hall-form");
  if (!form) { return; }
  var input = document.getElementById("hall-id");
  var method = document.getElementById("hall-method");
  var device = document.getElementById("hall-device");
  var place = document.getElementById("hall-place");
  var status = document.getElementById("hall-status");
  var log = document.getElementById("hall-log");
  var counter = document.getElementById("hall-count");
  var text = document.getElementById("hall-messages").dataset;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var NUMBER = /^[0-9]{17}[0-9X]$/;
  var queue = [];
  var sending = false;
  var recorded = 0;

  function show(message, kind) {
    status.textContent = message;
    status.className = "hall-status " + (kind || "");
  }

  function note(message, kind) {
    var item = document.createElement("li");
    item.textContent = message;
    item.className = kind;
    log.insertBefore(item, log.firstChild);
  }

  function answered(number, ok, body) {
    if (ok) {
      recorded += 1;
      counter.textContent = String(recorded);
      var p = body.pensioner;
      var line = text.ok + " · " + p.name + " · " + p.village + " · " + text.due + " " + p.due_on;
      if (body.resumed) { line += " · " + text.resumed.replace("%(n)s", body.back_pay_months); }
      note(line, "ok");
      show(line, "ok");
    } else {
      var why = (body && body.message) || "";
      if (body && body.fields) {
        Object.keys(body.fields).forEach(function (k) { if (body.fields[k]) { why += " " + body.fields[k]; } });
      }
      note(number + " · " + text.failed + " · " + why, "bad");
      show(number + " · " + text.failed + " · " + why, "bad");
    }
  }

  function next() {
    if (sending || queue.length === 0) { return; }
    sending = true;
    var number = queue.shift();
    show(text.busy + " " + number, "busy");
    fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({
        id_number: number,
        method: method.value,
        device_ref: device.value,
        unit: place && ["in_person_hall", "fingerprint_on_site"].indexOf(method.value) >= 0 ? place.value : null
      })
    }).then(function (response) {
      return response.json().then(function (body) { answered(number, response.ok, body); });
    }).catch(function () {
      answered(number, false, null);
    }).then(function () {
      sending = false;
      next();
    });
  }

  // A form with two text inputs submits on Enter only through its button: the input's Enter is ours.
  form.noValidate = true;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var number = input.value.replace(/\s+/g, "").toUpperCase();
    input.value = "";
    input.focus();
    if (!NUMBER.test(number)) {
      show(text.bad, "bad");
      return;
    }
    queue.push(number);
    next();
  });

  // Keep the focus in the input: after choosing a method or a device it comes back, and typing anywhere
  // on the page types into it.
  [method, device, place].filter(Boolean).forEach(function (control) {
    control.addEventListener("change", function () { input.focus(); });
  });
  input.addEventListener("blur", function () {
    window.setTimeout(function () {
      var here = document.activeElement;
      if (here !== method && here !== device && here !== place) { input.focus(); }
    }, 0);
  });
  input.focus();
})();
