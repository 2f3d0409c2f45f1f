/* A form sent once per click: on submit, its buttons are disabled and the
   clicked one says "submitting", so a double click cannot post it twice.
   (The server also answers a repeated submit token with the first result.)
   Forms whose own script handles the submit (the chat) are left alone. */
(function () {
  "use strict";

  var script = document.currentScript;
  var busyLabel = (script && script.getAttribute("data-busy-label")) || "…";
  // A download leaves the page as it was: let the form be used again then.
  var RESTORE_AFTER_MS = 10000;

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      var type = (element.getAttribute("type") || "submit").toLowerCase();
      return (element.tagName === "BUTTON" || element.tagName === "INPUT") && type === "submit";
    });
  }

  function setLabel(button, text) {
    if (button.tagName === "INPUT") {
      button.value = text;
    } else {
      button.textContent = text;
    }
  }

  function restore(form) {
    delete form.dataset.submitting;
    submitButtons(form).forEach(function (button) {
      if (button.dataset.idleLabel !== undefined) {
        setLabel(button, button.dataset.idleLabel);
        delete button.dataset.idleLabel;
      }
      button.disabled = false;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) {
      return;
    }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    var buttons = submitButtons(form);
    var clicked = event.submitter || buttons[0];
    // After this event, so a named button's value is still part of the post.
    window.setTimeout(function () {
      buttons.forEach(function (button) {
        button.disabled = true;
      });
      if (clicked) {
        clicked.dataset.idleLabel = clicked.tagName === "INPUT" ? clicked.value : clicked.textContent;
        setLabel(clicked, busyLabel);
      }
    }, 0);
    window.setTimeout(function () {
      restore(form);
    }, RESTORE_AFTER_MS);
  });

  // Back to a page kept in memory: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), restore);
    }
  });
})();
