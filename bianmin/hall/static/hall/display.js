// The hall display: polls the board's JSON twice a second, draws it, and announces each new call aloud
// ("请A023号到5号窗口办理", twice) through the browser's own speech synthesis, one call after another;
// a chime made in the browser where no Chinese voice is installed. Nothing is fetched from elsewhere.
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.board;
  var POLL_MS = 500;
  var lastSeen = null; // the highest call id already shown; null until the first answer
  var pending = [];
  var speaking = false;
  var soundOn = false;

  function windowName(number) {
    return body.dataset.windowFormat.replace("__N__", number);
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function zhVoice() {
    if (!("speechSynthesis" in window)) return null;
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (/^zh/i.test(voices[i].lang)) return voices[i];
    }
    return null;
  }

  function chime(done) {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      [880, 660].forEach(function (freq, i) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        osc.frequency.value = freq;
        osc.connect(gain);
        gain.connect(ctx.destination);
        var start = ctx.currentTime + i * 0.45;
        gain.gain.setValueAtTime(0.3, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + 0.4);
        osc.start(start);
        osc.stop(start + 0.42);
      });
      setTimeout(done, 1000);
    } catch (e) {
      done();
    }
  }

  function say(text, times, done) {
    var voice = zhVoice();
    if (!voice) {
      chime(done);
      return;
    }
    var u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9;
    u.onend = u.onerror = function () {
      if (times > 1) say(text, times - 1, done);
      else done();
    };
    window.speechSynthesis.speak(u);
  }

  // Calls are queued so that two never overlap; each is said twice.
  function next() {
    if (speaking || !pending.length) return;
    var call = pending.shift();
    if (!soundOn) {
      next();
      return;
    }
    speaking = true;
    say(call.speech, 2, function () {
      speaking = false;
      next();
    });
  }

  function draw(data) {
    var latest = document.getElementById("latest");
    var windows = document.getElementById("windows");
    var calls = document.getElementById("calls");
    var queues = document.getElementById("queues");
    windows.replaceChildren();
    data.windows.forEach(function (w) {
      var box = el("div", "display-window");
      box.appendChild(el("div", "w", windowName(w.number)));
      if (w.state === "paused") box.appendChild(el("div", "t paused", body.dataset.paused));
      else if (w.ticket) box.appendChild(el("div", "t", w.ticket));
      else box.appendChild(el("div", "t idle", body.dataset.idle));
      if (w.staff) box.appendChild(el("div", "s", w.staff));
      windows.appendChild(box);
    });
    calls.replaceChildren();
    data.calls.forEach(function (c) {
      calls.appendChild(el("li", "", c.number + " → " + windowName(c.window)));
    });
    queues.replaceChildren();
    data.queues.forEach(function (q) {
      queues.appendChild(el("li", q.crowded ? "crowded" : "", q.prefix + " " + q.name + " " + q.waiting + " " + body.dataset.waitingLabel));
    });
    var fresh = data.calls.filter(function (c) { return lastSeen !== null && c.id > lastSeen; }).reverse();
    if (data.calls.length) {
      var top = data.calls[0];
      var text = top.speech || top.number;
      if (latest.textContent !== text) {
        latest.textContent = text;
        latest.classList.remove("flash");
        void latest.offsetWidth;
        latest.classList.add("flash");
      }
      lastSeen = Math.max(lastSeen || 0, top.id);
    } else if (lastSeen === null) {
      lastSeen = 0;
    }
    fresh.forEach(function (c) { pending.push(c); });
    next();
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        document.getElementById("offline").hidden = true;
        draw(data);
      })
      .catch(function () { document.getElementById("offline").hidden = false; })
      .finally(function () { setTimeout(poll, POLL_MS); });
  }

  function tick() {
    var now = new Date();
    document.getElementById("clock").textContent = now.toLocaleTimeString("zh-CN", { hour12: false });
  }

  // Browsers speak only after a touch on the page: the button switches the voice on (a TV in kiosk mode
  // may start Chromium with --autoplay-policy=no-user-gesture-required instead).
  document.getElementById("sound").addEventListener("click", function (event) {
    soundOn = true;
    event.target.classList.add("on");
    if ("speechSynthesis" in window) window.speechSynthesis.getVoices();
  });
  tick();
  setInterval(tick, 1000);
  poll();
})();
