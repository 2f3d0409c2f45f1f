// The menu's count of unread notices, kept live over /ws/notices/. On the
// first page of the notices page a new notice is announced above the list and
// the list is fetched again, so it shows without a reload. Reconnects with a
// growing pause; without a socket the count is simply that of the last load.
(() => {
  const link = document.querySelector("[data-notices-socket]");
  if (!link || !window.WebSocket) return;
  const script = document.currentScript || document.querySelector("script[data-new-label]");
  const newLabel = (script && script.dataset.newLabel) || "";
  let pause = 1000;
  let refreshing = false;
  let again = false;

  function showCount(unread) {
    document.querySelectorAll("[data-notices-unread]").forEach((badge) => {
      badge.textContent = String(unread);
      badge.hidden = unread === 0;
    });
  }

  function announce(notice) {
    const box = document.getElementById("notices-live");
    if (!box) return;
    box.textContent = "";
    const label = document.createElement("strong");
    label.textContent = newLabel + " ";
    box.append(label);
    if (notice.url) {
      const a = document.createElement("a");
      a.href = notice.url;
      a.textContent = notice.message;
      box.append(a);
    } else {
      box.append(document.createTextNode(notice.message));
    }
    box.hidden = false;
  }

  // The list as the server renders it now (escaped there, as on a load); a
  // notice that arrives while it is fetched gets one more fetch after it.
  function refreshList() {
    const current = document.getElementById("notices-page");
    if (!current || current.dataset.liveRefresh !== "1") return;
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(location.href, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("notices-page");
        if (fresh) current.replaceWith(fresh);
      })
      .catch(() => {})
      .finally(() => {
        refreshing = false;
        if (again) { again = false; refreshList(); }
      });
  }

  // The page's list is out of date when the count it was rendered with is not the count now.
  function listIsStale(unread) {
    const current = document.getElementById("notices-page");
    return current !== null && Number(current.dataset.unread) !== unread;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + link.dataset.noticesSocket);
    socket.addEventListener("open", () => { pause = 1000; });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      // Marked for whoever checks that the count is live (the browser tests).
      if (frame.type === "hello") link.dataset.noticesState = frame.state;
      if (frame.type === "notice" && frame.notice) announce(frame.notice);
      if (typeof frame.unread === "number") {
        showCount(frame.unread);
        if (frame.type === "notice" || listIsStale(frame.unread)) refreshList();
      }
    });
    socket.addEventListener("close", (event) => {
      delete link.dataset.noticesState;
      if (event.code === 4403 || event.code === 4429) return;
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 60000);
    });
  }
  connect();
})();
