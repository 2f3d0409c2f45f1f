/* The quiz page: the clock counts down the time the server gave (it
   decides, not this clock), each answer is saved as it is given, and the
   form is submitted when time is up. */
(function () {
  "use strict";

  var form = document.querySelector("[data-quiz-form]");
  var clock = document.querySelector("[data-clock]");
  var state = document.querySelector("[data-save-state]");
  if (!form || !clock) {
    return;
  }
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var endsAt = Date.now() + parseInt(clock.getAttribute("data-remaining"), 10) * 1000;
  var submitted = false;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function submitNow() {
    if (submitted) {
      return;
    }
    submitted = true;
    if (state) {
      state.textContent = form.getAttribute("data-timeout-label");
    }
    form.submit();
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    clock.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    if (left <= 60) {
      clock.classList.remove("text-bg-primary");
      clock.classList.add("text-bg-danger");
    }
    if (left === 0) {
      submitNow();
      return;
    }
    window.setTimeout(tick, 1000);
  }

  function save(name) {
    var body = new URLSearchParams();
    var chosen = form.querySelectorAll("input[name='" + name + "']:checked");
    if (chosen.length === 0) {
      body.append(name, "");
    }
    chosen.forEach(function (input) {
      body.append(name, input.value);
    });
    fetch(form.getAttribute("data-save-url"), {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      if (state) {
        state.textContent = form.getAttribute(response.ok ? "data-saved-label" : "data-failed-label");
      }
    }).catch(function () {
      if (state) {
        state.textContent = form.getAttribute("data-failed-label");
      }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name) {
      save(event.target.name);
    }
  });
  form.addEventListener("submit", function () {
    submitted = true;
  });
  tick();
})();
