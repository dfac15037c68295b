// Move focus to the error summary after a failed submit, so screen readers
// announce it and keyboard users start at the list of problems.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
