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

// The organisation search's selection: a live count ("3 geselecteerd") for sighted and screen-reader
// users. Without this script the checkboxes and buttons work all the same.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("bulk-form");
  var counter = form && form.querySelector(".bulk-selected");
  if (!counter) {
    return;
  }
  var all = document.getElementById("bulk-all");
  function update() {
    var picked = form.querySelectorAll(".bulk-pick:checked").length;
    if (all && all.checked) {
      counter.textContent = counter.getAttribute("data-all");
    } else if (picked === 0) {
      counter.textContent = counter.getAttribute("data-none");
    } else if (picked === 1) {
      counter.textContent = counter.getAttribute("data-one");
    } else {
      counter.textContent = counter.getAttribute("data-many").replace("__N__", String(picked));
    }
  }
  counter.hidden = false;
  form.addEventListener("change", update);
  update();
});
