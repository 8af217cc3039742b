/* AUTH-2: count down to the moment a new code may be requested, then show the button.
   Without JavaScript the page still works: reload it after the time shown. */
(function () {
  "use strict";
  var counter = document.querySelector("[data-countdown]");
  var wait = document.querySelector("[data-resend-wait]");
  var button = document.querySelector("[data-resend-button]");
  if (!counter || !wait || !button) {
    return;
  }
  var left = parseInt(counter.textContent, 10) || 0;
  var timer = window.setInterval(function () {
    left -= 1;
    if (left <= 0) {
      window.clearInterval(timer);
      wait.hidden = true;
      button.hidden = false;
      return;
    }
    counter.textContent = String(left);
  }, 1000);
})();
