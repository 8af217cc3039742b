/* ISSA portal: small progressive enhancements. The CSP allows scripts from 'self' only, so all
   behaviour lives here instead of inline handlers; every form still works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* A <select data-autosubmit> submits its form as soon as the choice changes (language switch,
     number picker); the form keeps a submit button for browsers without JavaScript. */
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      if (typeof target.form.requestSubmit === "function") {
        target.form.requestSubmit();
      } else {
        target.form.submit();
      }
    }
  });

  /* Keypad buttons ([data-key]) type into the field named by data-target. */
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-key]") : null;
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-target"));
    if (!field) {
      return;
    }
    event.preventDefault();
    var key = button.getAttribute("data-key");
    if (key === "back") {
      field.value = field.value.slice(0, -1);
    } else if (key === "clear") {
      field.value = "";
    } else {
      field.value += key;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
