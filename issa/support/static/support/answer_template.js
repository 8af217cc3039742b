/* SUP-2: choosing an answer template puts its text into the answer field (the staff adapt it).
   A static file, no inline code: the back office runs under a strict Content-Security-Policy.
   Without JavaScript the form still works: the chosen template is sent when the answer is empty. */
(function () {
  "use strict";

  function init() {
    var select = document.getElementById("id_answer_template");
    var reply = document.getElementById("id_reply");
    if (!select || !reply) {
      return;
    }
    var filled = "";
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var text = option ? option.getAttribute("data-text") : null;
      var untouched = reply.value.trim() === "" || reply.value === filled;
      if (text === null) {
        if (untouched) {
          reply.value = "";
          filled = "";
        }
        return;
      }
      if (untouched || window.confirm(select.getAttribute("data-confirm") || "")) {
        reply.value = text;
        filled = text;
      }
      reply.focus();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
