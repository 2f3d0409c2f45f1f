// The site's file pickers (tickets/_file_picker.html): the chosen files named
// in the page's language. File inputs that helpdesk's reply form adds itself
// (a dropped file) are given the same label.
(function () {
  if (window.filePickers) return;
  window.filePickers = true;

  function strings() {
    const sample = document.querySelector(".file-picker-chosen");
    const button = document.querySelector(".file-picker-button");
    return sample && button ? {none: sample.dataset.none, chosen: sample.dataset.chosen, choose: button.textContent} : null;
  }

  function show(input) {
    const out = document.getElementById(input.id + "-chosen");
    if (!out) return;
    const names = Array.from(input.files || []).map((file) => file.name);
    out.textContent = names.length
      ? out.dataset.chosen.replace("{count}", String(names.length)).replace("{names}", names.join("、"))
      : out.dataset.none;
  }

  function adopt(input) {
    const text = strings();
    if (!text || !input.id || input.classList.contains("file-picker-input")) return;
    const box = document.createElement("span");
    box.className = "file-picker";
    input.parentNode.insertBefore(box, input);
    input.className = "file-picker-input";
    input.setAttribute("aria-describedby", input.id + "-chosen");
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.className = "btn btn-outline-secondary file-picker-button";
    label.textContent = text.choose;
    const out = document.createElement("span");
    out.className = "file-picker-chosen small text-muted";
    out.id = input.id + "-chosen";
    out.setAttribute("aria-live", "polite");
    out.dataset.none = text.none;
    out.dataset.chosen = text.chosen;
    box.append(input, label, out);
    watch(input);
  }

  function watch(input) {
    input.addEventListener("change", () => show(input));
    show(input);
  }

  document.querySelectorAll(".file-picker-input").forEach(watch);
  new MutationObserver((changes) => {
    changes.forEach((change) => change.addedNodes.forEach((node) => {
      if (node.nodeType !== 1) return;
      const inputs = node.matches('input[type="file"]') ? [node] : node.querySelectorAll('input[type="file"]');
      inputs.forEach(adopt);
    }));
  }).observe(document.body, {childList: true, subtree: true});
})();
