// helpdesk's reply form on a fault or emergency: the root cause and fix
// show, and are required, only while the new status resolves or closes it.
(function () {
  const box = document.getElementById("respond-root-cause");
  if (!box) return;
  const form = box.closest("form");
  const finishing = box.dataset.finishing.split(" ");
  const fields = box.querySelectorAll("textarea");
  function follow() {
    const chosen = form.querySelector('input[name="new_status"]:checked');
    const finishes = chosen !== null && finishing.includes(chosen.value);
    box.hidden = !finishes;
    fields.forEach((field) => { field.required = finishes; });
  }
  form.querySelectorAll('input[name="new_status"]').forEach((radio) => {
    radio.addEventListener("change", follow);
  });
  follow();
})();
