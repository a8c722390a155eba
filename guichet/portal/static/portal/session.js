// Guichet — the screen of an idle session does not stay open (IAM-11).
// When the server's inactivity delay has passed without a request, the page reloads: the
// server then locks the session and shows the login page, which brings the person back
// here once logged in again. Requests made by htmx count as activity.
(function () {
  "use strict";
  var idle = parseInt(document.body.getAttribute("data-session-idle") || "0", 10);
  if (!idle) {
    return;
  }
  var timer = null;
  function arm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { window.location.reload(); }, (idle + 5) * 1000);
  }
  document.body.addEventListener("htmx:afterRequest", arm);
  arm();
})();
