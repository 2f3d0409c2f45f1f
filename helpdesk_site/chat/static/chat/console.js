/* The operator console: conversations and new tickets as they arrive.
 * A websocket when it can, the JSON feed every ten seconds when it cannot. */
(function () {
  "use strict";
  var root = document.getElementById("chat-console");
  if (!root) { return; }
  var T = JSON.parse(document.getElementById("console-strings").textContent);
  var rows = document.getElementById("console-conversations");
  var tickets = document.getElementById("console-tickets");
  var notices = document.getElementById("console-notices");
  var MAX_NOTICES = 50;
  var empty = document.getElementById("console-empty");
  var statusEl = document.getElementById("chat-status");
  var ticketUrl = root.dataset.ticketUrl;
  var ws = null, attempts = 0, pollTimer = null, reconnectTimer = null;

  function setStatus(state) { statusEl.dataset.state = state; statusEl.textContent = T[state] || state; }
  function urlFor(id) { return ticketUrl.replace(/0\/$/, id + "/"); }

  function link(ticket) {
    var a = document.createElement("a");
    a.href = urlFor(ticket.id);
    a.textContent = "#" + ticket.id + " " + ticket.title;
    return a;
  }

  function setUnread(row, count) {
    var badge = row.querySelector(".chat-unread");
    badge.textContent = count;
    badge.className = "badge chat-unread " + (count ? "text-bg-danger" : "text-bg-light");
  }

  function upsertConversation(ticket, message, unread) {
    var row = rows.querySelector('tr[data-ticket="' + ticket.id + '"]');
    if (row && Number(row.dataset.last) > message.id) { return; }
    if (!row) {
      row = document.createElement("tr");
      row.dataset.ticket = ticket.id;
      var cell = document.createElement("td");
      cell.appendChild(link(ticket));
      var last = document.createElement("td");
      last.className = "small";
      last.innerHTML = '<span class="console-author"></span>: <span class="console-snippet"></span>';
      var count = document.createElement("td");
      count.className = "text-end";
      count.innerHTML = '<span class="badge chat-unread text-bg-light">0</span>';
      row.appendChild(cell); row.appendChild(last); row.appendChild(count);
    }
    row.dataset.last = message.id;
    row.querySelector(".console-author").textContent = message.author.name;
    var body = message.body || (message.image ? message.image.name : "");
    row.querySelector(".console-snippet").textContent = body.length > 80 ? body.slice(0, 79) + "…" : body;
    if (typeof unread === "number") { setUnread(row, unread); }
    rows.insertBefore(row, rows.firstElementChild);
    empty.hidden = true;
  }

  function addTicket(ticket) {
    if (tickets.querySelector('li[data-ticket="' + ticket.id + '"]')) { return; }
    var li = document.createElement("li");
    li.className = "list-group-item list-group-item-warning";
    li.dataset.ticket = ticket.id;
    li.appendChild(link(ticket));
    tickets.insertBefore(li, tickets.firstElementChild);
  }

  function addNotice(frame) {
    var li = document.createElement("li");
    li.className = "alert alert-warning py-1 px-2 mb-1";
    li.appendChild(link(frame.ticket));
    li.appendChild(document.createTextNode(" " + (frame.message || frame.kind || "")));
    notices.insertBefore(li, notices.firstElementChild);
    // A sweep may bring hundreds: the newest stay, the notices page has them all.
    while (notices.children.length > MAX_NOTICES) { notices.removeChild(notices.lastElementChild); }
  }

  function handle(frame) {
    if (frame.type === "hello" || frame.type === "status") {
      if (frame.state === "live") { stopPolling(); setStatus("live"); refresh(); }
      else { startPolling("degraded"); }
    } else if (frame.type === "message") {
      upsertConversation(frame.ticket, frame.message, frame.unread);
    } else if (frame.type === "ticket") {
      addTicket(frame.ticket);
    } else if (frame.type === "read") {
      var row = rows.querySelector('tr[data-ticket="' + frame.ticket_id + '"]');
      if (row && Number(row.dataset.last) <= frame.up_to) { setUnread(row, 0); }
    } else if (frame.type === "notice") {
      addNotice(frame);
    } else if (frame.type === "notices") {
      frame.notices.forEach(function (n) {
        addNotice({ticket: n.ticket, message: n.message, kind: frame.kind});
      });
    }
  }

  function refresh() {
    return fetch(root.dataset.feedUrl, {credentials: "same-origin"}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      data.conversations.slice().reverse().forEach(function (c) {
        upsertConversation(c.ticket, c.last_message, c.unread);
      });
      data.new_tickets.slice().reverse().forEach(addTicket);
    }).catch(function () {});
  }

  function startPolling(state) {
    setStatus(state);
    if (pollTimer === null) { pollTimer = setInterval(refresh, 10000); }
  }
  function stopPolling() { if (pollTimer !== null) { clearInterval(pollTimer); pollTimer = null; } }

  function connect() {
    reconnectTimer = null;
    if (ws !== null || !navigator.onLine) { return; }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = ws = new WebSocket(scheme + location.host + root.dataset.wsPath);
    socket.onopen = function () { attempts = 0; };
    socket.onmessage = function (event) {
      try { handle(JSON.parse(event.data)); } catch (e) { /* not ours */ }
    };
    socket.onclose = function () {
      if (ws === socket) { ws = null; }
      startPolling(navigator.onLine ? "polling" : "offline");
      if (reconnectTimer === null && navigator.onLine) {
        var delay = Math.min(30000, 1000 * Math.pow(2, attempts)) * (0.5 + Math.random() / 2);
        attempts += 1;
        reconnectTimer = setTimeout(connect, delay);
      }
    };
  }

  window.addEventListener("offline", function () { if (ws !== null) { ws.close(); } });
  window.addEventListener("online", function () { attempts = 0; clearTimeout(reconnectTimer); connect(); });
  connect();
})();
