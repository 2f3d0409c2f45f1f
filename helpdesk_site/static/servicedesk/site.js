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
