/* The ticket chat panel: a websocket when it can, plain HTTP when it cannot.
 *
 * Every message carries its id and the id of the message before it in the
 * ticket (`prev`). The panel's cursor is the id up to which it has every
 * message, not the highest it has shown: a peer's line lost in delivery
 * while one's own later line was acknowledged leaves a gap, and the panel
 * asks for everything after the cursor. Ids already shown are skipped, so
 * nothing appears twice and nothing is left out; read receipts never go
 * past the cursor.
 *
 * Each post carries a random client_id; one not yet acknowledged when the
 * socket drops is sent again over HTTP with the same id, and the server
 * stores it once. No libraries: this runs on the machines of county offices.
 */
(function () {
  "use strict";

  // --- the cursor (pure; tests/chat/test_resume.py runs it under Node) -----

  function ChatCursor() {
    this.upTo = 0;              // every message of the ticket up to this id is here
    this.waiting = new Map();   // prev id -> id, for messages that came after a gap
  }

  // A page of history: every message of the ticket after `after`, none missing.
  ChatCursor.prototype.page = function (after, messages) {
    if (after > this.upTo) { return; }
    var self = this;
    messages.forEach(function (message) {
      if (message.id > self.upTo) { self.upTo = message.id; }
    });
    this.settle();
  };

  // A message handed over live: a broadcast, or the acknowledgement of one's own.
  ChatCursor.prototype.live = function (message) {
    if (message.id <= this.upTo) { return; }
    if (message.prev === this.upTo) {
      this.upTo = message.id;
    } else {
      this.waiting.set(message.prev, message.id);
    }
    this.settle();
  };

  ChatCursor.prototype.settle = function () {
    var self = this;
    var next = this.waiting.get(this.upTo);
    while (next !== undefined) {
      this.waiting.delete(this.upTo);
      this.upTo = next;
      next = this.waiting.get(this.upTo);
    }
    this.waiting.forEach(function (id, prev) {
      if (id <= self.upTo) { self.waiting.delete(prev); }
    });
  };

  ChatCursor.prototype.hasGap = function () { return this.waiting.size > 0; };

  // --- the pace of polling without a socket (pure; run under Node too) --------
  //
  // Quick while the conversation moves, slower while nothing comes, slower
  // still while requests fail (a server in trouble is not pressed harder), and
  // at the slowest while the page is out of sight.

  function PollPace(options) {
    options = options || {};
    this.quickest = options.quickest || 3000;
    this.quiet = options.quiet || 30000;        // slowest while all is well
    this.failing = options.failing || 60000;    // slowest while requests fail
    this.hidden = options.hidden || 60000;      // while the page is not looked at
    this.delay = this.quickest;
  }

  // The pause before the next poll, after one that found news, found nothing
  // or failed; `hidden` when the page is out of sight.
  PollPace.prototype.next = function (outcome, hidden) {
    if (outcome === "news") {
      this.delay = this.quickest;
    } else if (outcome === "failed") {
      this.delay = Math.min(this.failing, Math.max(this.delay, this.quickest) * 2);
    } else {
      this.delay = Math.min(Math.max(this.quiet, this.quickest), Math.round(this.delay * 1.5));
    }
    return hidden ? Math.max(this.delay, this.hidden) : this.delay;
  };

  // Someone on the page acted (sent a line, came back to the tab): an answer may follow soon.
  PollPace.prototype.reset = function () { this.delay = this.quickest; };

  if (typeof module === "object" && module.exports) {
    module.exports = {ChatCursor: ChatCursor, PollPace: PollPace};
  }

  // --- the panel --------------------------------------------------------------

  var root = typeof document === "object" && document.getElementById("chat-panel");
  if (!root) { return; }

  var T = JSON.parse(document.getElementById("chat-strings").textContent);
  var me = Number(root.dataset.me);
  // The portal's ticket page: the panel is the whole conversation, replies too.
  var withReplies = root.dataset.replies === "1";
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
  var cursor = new ChatCursor();
  var pace = new PollPace();
  var polling = false;
  // Where a panel without a socket asks for public replies after: the server's
  // cursor, which stays below replies that a slower transaction may still
  // precede (chat/settling.py); replies it sends again are dropped by id.
  var repliesUpTo = Number(root.dataset.repliesUpTo) || 0;
  var outbox = new Map();         // client_id -> body, posts not yet acknowledged
  var gapTimer = null;
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
    // Replies arriving later are placed among the lines by this time.
    li.dataset.at = message.created;
    var meta = document.createElement("div");
    meta.className = "chat-meta";
    var author = document.createElement("span");
    author.className = "chat-author";
    author.textContent = message.author.name + (message.author.staff ? " · " + T.operator : "");
    var when = document.createElement("time");
    when.dateTime = message.created;
    // Formatted by the server, as on the rendered page: one format, one zone.
    when.textContent = " " + message.when;
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

  function renderReply(entry) {
    var li = document.createElement("li");
    li.className = "chat-message chat-reply";
    if (entry.author && entry.author.id === me) { li.classList.add("chat-mine"); }
    if (entry.author && entry.author.staff) { li.classList.add("chat-staff"); }
    li.dataset.reply = entry.id;
    li.dataset.at = entry.created;
    var meta = document.createElement("div");
    meta.className = "chat-meta";
    var author = document.createElement("span");
    author.className = "chat-author";
    author.textContent = entry.author
      ? entry.author.name + (entry.author.staff ? " · " + T.operator : "")
      : T.system;
    var when = document.createElement("time");
    when.dateTime = entry.created;
    when.textContent = " " + entry.when;
    meta.appendChild(author);
    meta.appendChild(when);
    var bubble = document.createElement("div");
    bubble.className = "chat-bubble chat-reply-body";
    // Escaped on the server (the follow-up's text with its line breaks).
    bubble.innerHTML = entry.html;
    entry.changes.forEach(function (change) {
      var line = document.createElement("div");
      line.className = "small text-muted chat-change";
      line.textContent = change;
      bubble.appendChild(line);
    });
    entry.attachments.forEach(function (attachment) {
      var line = document.createElement("div");
      var link = document.createElement("a");
      link.href = attachment.url;
      link.textContent = "📎 " + attachment.name;
      line.appendChild(link);
      bubble.appendChild(line);
    });
    li.appendChild(meta);
    li.appendChild(bubble);
    return li;
  }

  // Whether an entry already in the list stays before `entry`: chat lines
  // among themselves by id (commit order), anything else by time.
  function staysBefore(node, entry) {
    if (entry.kind === "chat" && node.dataset.id) { return Number(node.dataset.id) < entry.id; }
    return Date.parse(node.dataset.at) <= Date.parse(entry.created);
  }

  function insertInOrder(li, entry) {
    var next = null;
    for (var node = list.lastElementChild; node; node = node.previousElementSibling) {
      if (staysBefore(node, entry)) { break; }
      next = node;
    }
    list.insertBefore(li, next);
  }

  function hasReply(id) { return list.querySelector('[data-reply="' + Number(id) + '"]') !== null; }

  function addReply(entry) {
    if (!withReplies || hasReply(entry.id)) { return; }
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    insertInOrder(renderReply(entry), entry);
    if (atBottom) { list.scrollTop = list.scrollHeight; }
  }

  function addMessages(messages) {
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    var added = false;
    messages.slice().sort(function (a, b) { return a.id - b.id; }).forEach(function (message) {
      if (shown.has(message.id)) { return; }
      shown.add(message.id);
      // Keep id order even if a late page of history arrives after a live message.
      insertInOrder(render(message), message);
      added = true;
    });
    if (added) {
      if (atBottom || messages.some(function (m) { return m.author.id === me; })) {
        list.scrollTop = list.scrollHeight;
      }
      updateReceipts();
    }
  }

  function addPage(after, messages) {
    addMessages(messages);
    cursor.page(after, messages);
    scheduleRead();
  }

  function addLive(message) {
    addMessages([message]);
    cursor.live(message);
    scheduleRead();
    if (cursor.hasGap() && gapTimer === null) {
      // Lines published at nearly the same moment may arrive out of order:
      // give the missing one a moment before asking for it.
      gapTimer = setTimeout(function () {
        gapTimer = null;
        if (!cursor.hasGap()) { return; }
        if (wsOpen()) { resume(); } else { fetchMissed(); }
      }, 1000);
    }
  }

  function updateReceipts() {
    list.querySelectorAll(".chat-mine[data-id]").forEach(function (li) {
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

  // Everything after the cursors, over HTTP: chat lines, and on the portal's
  // page the public replies too. Resolves with how many were new, or with
  // `failed` when the server could not be asked.
  function fetchMissed() {
    if (fetching) { return fetching; }
    var found = 0;
    function ask() {
      var after = cursor.upTo;
      var url = messagesUrl + "?after=" + after;
      if (withReplies) { url += "&replies_after=" + repliesUpTo; }
      return http(url).then(function (data) {
        found += data.messages.filter(function (m) { return !shown.has(m.id); }).length;
        addPage(after, data.messages);
        noteReads(data.reads || []);
        (data.replies || []).forEach(function (entry) {
          if (!hasReply(entry.id)) { found += 1; }
          addReply(entry);
        });
        var repliesMore = false;
        if (typeof data.replies_cursor === "number") {
          repliesMore = data.replies_more && data.replies_cursor > repliesUpTo;
          repliesUpTo = Math.max(repliesUpTo, data.replies_cursor);
        }
        if (data.more || repliesMore) { return ask(); }
        return {found: found, failed: false};
      });
    }
    fetching = ask().catch(function () {
      return {found: found, failed: true};
    }).then(function (result) {
      fetching = null;
      return result;
    });
    return fetching;
  }

  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, delay);
  }

  function poll() {
    flushOutbox();
    fetchMissed().then(function (result) {
      if (!polling) { return; }
      var outcome = result.failed ? "failed" : (result.found ? "news" : "quiet");
      schedulePoll(pace.next(outcome, document.visibilityState === "hidden"));
    });
  }

  function startPolling(state) {
    setStatus(state);
    if (!polling) {
      polling = true;
      pace.reset();
      poll();
    }
  }

  function stopPolling() {
    polling = false;
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  // While polling, someone is looking or an answer may follow soon: back to
  // the quickest pace, the next poll after `delay`.
  function hurryPolling(delay) {
    if (!polling) { return; }
    pace.reset();
    schedulePoll(delay);
  }

  function newClientId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function postOverHttp(body, image, clientId) {
    var data = new FormData();
    data.append("body", body);
    data.append("client_id", clientId);
    if (image) { data.append("image", image); }
    return http(messagesUrl, {method: "POST", body: data}).then(function (reply) {
      outbox.delete(clientId);
      addLive(reply.message);
      showError("");
    });
  }

  function refused(clientId, reason) {
    // The server said no: the text goes back into the box, with the reason.
    var body = outbox.get(clientId);
    outbox.delete(clientId);
    if (body && !input.value) { input.value = body; }
    showError(fmt(T.sendFailed, {reason: reason}));
  }

  function sendOverHttp(body, clientId) {
    return postOverHttp(body, null, clientId).catch(function (error) {
      if (error.data) { refused(clientId, error.message); } else { showError(T.queued); }
    });
  }

  // Posts not acknowledged yet: the same client_id makes a second arrival a
  // repeat, not a second line.
  function resendOutbox() {
    outbox.forEach(function (body, clientId) {
      if (wsOpen() && !degraded) {
        ws.send(JSON.stringify({type: "post", body: body, client_id: clientId}));
      } else {
        sendOverHttp(body, clientId);
      }
    });
  }

  // While polling: what the socket took before it went away goes over HTTP.
  function flushOutbox() {
    if (!wsOpen() || degraded) { resendOutbox(); }
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
    if (wsOpen()) { ws.send(JSON.stringify({type: "resume", after_id: cursor.upTo})); }
  }

  function handle(frame) {
    switch (frame.type) {
      case "hello":
        degraded = frame.state !== "live";
        noteReads(frame.reads || []);
        showPresence(frame.presence || []);
        if (degraded) { startPolling("degraded"); } else { stopPolling(); setStatus("live"); }
        resume();
        // Resuming brings back chat lines only: replies missed meanwhile come over HTTP.
        if (withReplies && !degraded) { fetchMissed(); }
        break;
      case "status":
        degraded = frame.state !== "live";
        if (degraded) {
          startPolling("degraded");
        } else {
          stopPolling();
          setStatus("live");
          resume();
          if (withReplies) { fetchMissed(); }
        }
        break;
      case "history":
        addPage(frame.after_id, frame.messages);
        if (frame.more) { resume(); }
        break;
      case "message":
        addLive(frame.message);
        break;
      case "reply":
        addReply(frame.entry);
        break;
      case "ack":
        outbox.delete(frame.client_id);
        addLive(frame.message);
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
        if (frame.error === "unavailable") {
          // The server could not store it just now: keep the line queued.
          showError(frame.message);
          setTimeout(resendOutbox, frame.retry_after * 1000);
        } else if (frame.client_id && outbox.has(frame.client_id)) {
          refused(frame.client_id, frame.message);
        } else {
          showError(frame.message);
          // Too many frames: a post among them was dropped unread; send what
          // is still unacknowledged once the socket's budget allows.
          if (frame.error === "rate_limited") { setTimeout(resendOutbox, frame.retry_after * 1000); }
        }
        break;
    }
  }

  // --- reading, typing, sending ------------------------------------------

  // Read up to the cursor: never past a line this page has not got.
  function scheduleRead() {
    if (document.visibilityState !== "visible" || cursor.upTo <= readSent) { return; }
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      var upTo = cursor.upTo;
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
    var clientId = newClientId();
    outbox.set(clientId, body);
    hurryPolling(pace.quickest);
    if (wsOpen() && !degraded) {
      ws.send(JSON.stringify({type: "post", body: body, client_id: clientId}));
      return;
    }
    sendOverHttp(body, clientId);
  }

  var extensions = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"};

  function sendImage(file) {
    if (!file) { return; }
    // The server checks content against the name's ending; pasted images are
    // often called "image.png" whatever they hold, so name them by type.
    var ext = extensions[file.type];
    var named = ext ? new File([file], "pasted-" + Date.now() + ext, {type: file.type}) : file;
    var body = input.value.trim();
    postOverHttp(body, named, newClientId()).then(function () { input.value = ""; }).catch(function (error) {
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

  document.addEventListener("visibilitychange", function () {
    scheduleRead();
    if (document.visibilityState === "visible") { hurryPolling(0); }
  });
  // A laptop lid closing or a cable pulled: drop the socket at once, and on
  // return reconnect straight away and fetch whatever was missed.
  window.addEventListener("offline", function () {
    stopPolling();
    setStatus("offline");
    if (ws !== null) { ws.close(); }
  });
  window.addEventListener("online", function () {
    attempts = 0;
    poll();
    connect();
  });

  list.dataset.empty = T.empty;
  // The page came with the conversation so far: carry on from its last chat line.
  list.querySelectorAll("li[data-id]").forEach(function (li) { shown.add(Number(li.dataset.id)); });
  cursor.upTo = Number(root.dataset.upTo) || 0;
  list.scrollTop = list.scrollHeight;
  fetchMissed().then(connect);
})();
