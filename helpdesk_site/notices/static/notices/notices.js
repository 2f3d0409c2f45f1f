// The menu's count of unread notices, kept live over /ws/notices/; on the
// notices page a new one is announced above the list. Reconnects with a
// growing pause; without a socket the count is simply that of the last load.
(() => {
  const link = document.querySelector("[data-notices-socket]");
  if (!link || !window.WebSocket) return;
  const script = document.currentScript || document.querySelector("script[data-new-label]");
  const newLabel = (script && script.dataset.newLabel) || "";
  let pause = 1000;

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

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + link.dataset.noticesSocket);
    socket.addEventListener("open", () => { pause = 1000; });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      if (typeof frame.unread === "number") showCount(frame.unread);
      if (frame.type === "notice" && frame.notice) announce(frame.notice);
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4403 || event.code === 4429) return;
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 60000);
    });
  }
  connect();
})();
