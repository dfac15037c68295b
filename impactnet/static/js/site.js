// Move focus to the error summary after a failed submit, so screen readers
// announce it and keyboard users start at the list of problems.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});

// The phone menu (a <details>, which works without this): Escape closes it and puts the focus back
// on its "Menu" button, as keyboard users expect of a disclosure that covers the page.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") {
    return;
  }
  var menu = document.querySelector(".menu-phone[open]");
  if (menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
