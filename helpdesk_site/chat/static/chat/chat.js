/* The ticket chat panel: a websocket when it can, plain HTTP when it cannot.
 *
 * Every message carries its id; the panel remembers the highest one it has
 * shown and, after any interruption, asks for everything after it. Ids it
 * has already shown are skipped, so nothing appears twice and nothing is
 * left out. No libraries: this runs on the machines of county offices.
 */
(function () {
  "use strict";
  var root = document.getElementById("chat-panel");
  if (!root) { return; }

  var T = JSON.parse(document.getElementById("chat-strings").textContent);
  var me = Number(root.dataset.me);
  var messagesUrl = root.dataset.messagesUrl;
  var readUrl = root.dataset.readUrl;
  var list = document.getElementById("chat-messages");
  var statusEl = document.getElementById("chat-status");
  var presenceEl = document.getElementById("chat-presence");
  var typingEl = document.getElementById("chat-typing");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var imageInput = document.getElementById("chat-image");
  var errorEl = document.getElementById("chat-error");
  var csrfInput = root.querySelector("input[name=csrfmiddlewaretoken]");

  var ws = null;
  var lastId = 0;
  var shown = new Set();
  var reads = new Map();          // user id -> {user, up_to}
  var typing = new Map();         // user id -> timer
  var attempts = 0;
  var reconnectTimer = null;
  var openTimer = null;
  var pollTimer = null;
  var degraded = false;
  var lastTypingSent = 0;
  var readSent = 0;
  var readTimer = null;
  var fetching = null;
  var counter = 0;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function setStatus(state) {
    statusEl.dataset.state = state;
    statusEl.textContent = T[state] || state;
  }

  function wsOpen() { return ws !== null && ws.readyState === WebSocket.OPEN; }

  // --- showing messages ----------------------------------------------------

  function render(message) {
    var li = document.createElement("li");
    li.className = "chat-message";
    if (message.author.id === me) { li.classList.add("chat-mine"); }
    if (message.author.staff) { li.classList.add("chat-staff"); }
    li.dataset.id = message.id;
    li.dataset.author = message.author.id;
    var meta = document.createElement("div");
    meta.className = "chat-meta";
    var author = document.createElement("span");
    author.className = "chat-author";
    author.textContent = message.author.name + (message.author.staff ? " · " + T.operator : "");
    var when = document.createElement("time");
    when.dateTime = message.created;
    when.textContent = " " + new Date(message.created).toLocaleString();
    meta.appendChild(author);
    meta.appendChild(when);
    var bubble = document.createElement("div");
    bubble.className = "chat-bubble chat-body";
    // Rendered and sanitized on the server (Markdown through nh3).
    bubble.innerHTML = message.html;
    if (message.image) {
      var link = document.createElement("a");
      link.href = message.image.url;
      link.target = "_blank";
      link.rel = "noopener";
      var img = document.createElement("img");
      img.src = message.image.url;
      img.alt = message.image.name;
      link.appendChild(img);
      bubble.appendChild(link);
    }
    var receipt = document.createElement("div");
    receipt.className = "chat-receipt";
    li.appendChild(meta);
    li.appendChild(bubble);
    li.appendChild(receipt);
    return li;
  }

  function addMessages(messages) {
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    var added = false;
    messages.slice().sort(function (a, b) { return a.id - b.id; }).forEach(function (message) {
      if (shown.has(message.id)) { return; }
      shown.add(message.id);
      var li = render(message);
      // Keep id order even if a late page of history arrives after a live message.
      var next = null;
      for (var node = list.lastElementChild; node; node = node.previousElementSibling) {
        if (Number(node.dataset.id) < message.id) { break; }
        next = node;
      }
      list.insertBefore(li, next);
      if (message.id > lastId) { lastId = message.id; }
      added = true;
    });
    if (added) {
      if (atBottom || messages.some(function (m) { return m.author.id === me; })) {
        list.scrollTop = list.scrollHeight;
      }
      updateReceipts();
      scheduleRead();
    }
  }

  function updateReceipts() {
    list.querySelectorAll(".chat-mine").forEach(function (li) {
      var id = Number(li.dataset.id);
      var names = [];
      reads.forEach(function (mark) {
        if (mark.user.id !== me && mark.up_to >= id) { names.push(mark.user.name); }
      });
      li.querySelector(".chat-receipt").textContent =
        names.length ? "✓ " + fmt(T.readBy, {names: names.join("、")}) : "";
    });
  }

  function noteReads(marks) {
    marks.forEach(function (mark) {
      var known = reads.get(mark.user.id);
      if (!known || known.up_to < mark.up_to) { reads.set(mark.user.id, mark); }
    });
    updateReceipts();
  }

  function showPresence(users) {
    presenceEl.textContent = T.present + " " + users.map(function (u) { return u.name; }).join("、");
  }

  function showTyping(user) {
    if (user.id === me) { return; }
    clearTimeout(typing.get(user.id));
    typing.set(user.id, setTimeout(function () { typing.delete(user.id); drawTyping(); }, 4000));
    typingEl.dataset.names = user.name;
    drawTyping(user.name);
  }

  function drawTyping(name) {
    typingEl.textContent = typing.size ? fmt(T.typing, {name: name || typingEl.dataset.names}) : "";
  }

  function showError(text) { if (errorEl) { errorEl.textContent = text || ""; } }

  // --- HTTP: history, fallback and images ---------------------------------

  function http(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({"X-CSRFToken": csrfInput ? csrfInput.value : ""},
                                    options.headers || {});
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.message || response.statusText);
          error.data = data;
          throw error;
        }
        return data;
      });
    });
  }

  function fetchMissed() {
    if (fetching) { return fetching; }
    fetching = http(messagesUrl + "?after=" + lastId).then(function (data) {
      addMessages(data.messages);
      noteReads(data.reads || []);
      fetching = null;
      if (data.more) { return fetchMissed(); }
    }).catch(function () { fetching = null; });
    return fetching;
  }

  function startPolling(state) {
    setStatus(state);
    if (pollTimer === null) {
      pollTimer = setInterval(fetchMissed, 3000);
      fetchMissed();
    }
  }

  function stopPolling() {
    if (pollTimer !== null) { clearInterval(pollTimer); pollTimer = null; }
  }

  function postOverHttp(body, image) {
    var data = new FormData();
    data.append("body", body);
    if (image) { data.append("image", image); }
    return http(messagesUrl, {method: "POST", body: data}).then(function (reply) {
      addMessages([reply.message]);
      showError("");
    });
  }

  // --- the websocket --------------------------------------------------------

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (!navigator.onLine || ws !== null) { return; }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    try {
      ws = new WebSocket(scheme + location.host + root.dataset.wsPath);
    } catch (e) {
      ws = null;
      startPolling("polling");
      scheduleReconnect();
      return;
    }
    var socket = ws;
    // Some proxies swallow the upgrade and never answer: give up waiting.
    openTimer = setTimeout(function () { if (socket.readyState !== WebSocket.OPEN) { socket.close(); } }, 8000);
    socket.onopen = function () {
      clearTimeout(openTimer);
      attempts = 0;
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function () {
      clearTimeout(openTimer);
      if (ws === socket) { ws = null; }
      if (!navigator.onLine) { setStatus("offline"); return; }
      startPolling("polling");
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (reconnectTimer !== null || !navigator.onLine) { return; }
    var delay = Math.min(30000, 1000 * Math.pow(2, attempts)) * (0.5 + Math.random() / 2);
    attempts += 1;
    reconnectTimer = setTimeout(connect, delay);
  }

  function resume() {
    if (wsOpen()) { ws.send(JSON.stringify({type: "resume", after_id: lastId})); }
  }

  function handle(frame) {
    switch (frame.type) {
      case "hello":
        degraded = frame.state !== "live";
        noteReads(frame.reads || []);
        showPresence(frame.presence || []);
        if (degraded) { startPolling("degraded"); } else { stopPolling(); setStatus("live"); }
        resume();
        break;
      case "status":
        degraded = frame.state !== "live";
        if (degraded) { startPolling("degraded"); } else { stopPolling(); setStatus("live"); resume(); }
        break;
      case "history":
        addMessages(frame.messages);
        if (frame.more) { resume(); }
        break;
      case "message":
        addMessages([frame.message]);
        break;
      case "ack":
        addMessages([frame.message]);
        showError("");
        break;
      case "presence":
        showPresence(frame.users);
        break;
      case "typing":
        showTyping(frame.user);
        break;
      case "read":
        noteReads([{user: frame.user, up_to: frame.up_to}]);
        break;
      case "error":
        showError(fmt(T.sendFailed, {reason: frame.message}));
        break;
    }
  }

  // --- reading, typing, sending ------------------------------------------

  function scheduleRead() {
    if (document.visibilityState !== "visible" || lastId <= readSent) { return; }
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      var upTo = lastId;
      if (upTo <= readSent) { return; }
      readSent = upTo;
      if (wsOpen() && !degraded) {
        ws.send(JSON.stringify({type: "read", up_to: upTo}));
      } else {
        var data = new FormData();
        data.append("up_to", upTo);
        http(readUrl, {method: "POST", body: data}).catch(function () { readSent = 0; });
      }
    }, 500);
  }

  function send(body) {
    if (wsOpen() && !degraded) {
      counter += 1;
      ws.send(JSON.stringify({type: "post", body: body, client_id: "c" + counter}));
      return;
    }
    postOverHttp(body).catch(function (error) {
      input.value = input.value || body;
      showError(fmt(T.sendFailed, {reason: error.data ? error.message : T.network}));
    });
  }

  var extensions = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"};

  function sendImage(file) {
    if (!file) { return; }
    // The server checks content against the name's ending; pasted images are
    // often called "image.png" whatever they hold, so name them by type.
    var ext = extensions[file.type];
    var named = ext ? new File([file], "pasted-" + Date.now() + ext, {type: file.type}) : file;
    var body = input.value.trim();
    postOverHttp(body, named).then(function () { input.value = ""; }).catch(function (error) {
      showError(fmt(T.sendFailed, {reason: error.data ? error.message : T.network}));
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = input.value.trim();
      if (!body) { return; }
      input.value = "";
      send(body);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { form.requestSubmit(); }
    });
    input.addEventListener("input", function () {
      var now = Date.now();
      if (wsOpen() && !degraded && now - lastTypingSent > 2000) {
        lastTypingSent = now;
        ws.send(JSON.stringify({type: "typing"}));
      }
    });
    input.addEventListener("paste", function (event) {
      var items = (event.clipboardData && event.clipboardData.items) || [];
      for (var i = 0; i < items.length; i += 1) {
        if (items[i].kind === "file" && items[i].type.indexOf("image/") === 0) {
          event.preventDefault();
          sendImage(items[i].getAsFile());
          return;
        }
      }
    });
    imageInput.addEventListener("change", function () {
      sendImage(imageInput.files[0]);
      imageInput.value = "";
    });
  }

  document.addEventListener("visibilitychange", scheduleRead);
  // A laptop lid closing or a cable pulled: drop the socket at once, and on
  // return reconnect straight away and fetch whatever was missed.
  window.addEventListener("offline", function () {
    stopPolling();
    setStatus("offline");
    if (ws !== null) { ws.close(); }
  });
  window.addEventListener("online", function () {
    attempts = 0;
    fetchMissed();
    connect();
  });

  list.dataset.empty = T.empty;
  fetchMissed().then(connect);
})();
