// Behaviour shared by every page of the site, kept out of the HTML so that
// the Content-Security-Policy can forbid inline scripts and handlers.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-submit-on-change]")) {
    event.target.form.submit();
  }
});
