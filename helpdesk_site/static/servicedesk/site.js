// Behaviour shared by every page of the site, kept out of the HTML so that
// the Content-Security-Policy can forbid inline scripts and handlers.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-submit-on-change]")) {
    event.target.form.submit();
  }
});

// The filing form asks which earlier ticket an after-sales request (售后服务)
// follows only when that category is chosen.
function showFollowsField() {
  const category = document.querySelector("select[name=category]");
  const follows = document.querySelector("select[name=follows]");
  if (!category || !follows) return;
  follows.closest(".mb-3").hidden = category.value !== "after_sales";
}
document.addEventListener("DOMContentLoaded", showFollowsField);
document.addEventListener("change", (event) => {
  if (event.target.matches("select[name=category]")) showFollowsField();
});

// A link to a part of a page (a notice's #rating): the browser scrolls there
// as the page loads, before the chat and other scripts have filled the page
// above it; scroll there again once everything has loaded.
window.addEventListener("load", () => {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (target) setTimeout(() => target.scrollIntoView({ block: "start" }), 300);
});
