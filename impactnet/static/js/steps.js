// The impact plan's action rows: without a script every row shows (an empty one is ignored); with
// it, only the filled rows and one empty one, and a button shows one empty row more, with focus on
// its first field. Nothing is sent or saved by the button itself.
document.addEventListener("DOMContentLoaded", function () {
  var container = document.querySelector(".action-rows");
  if (!container) {
    return;
  }
  var empties = Array.prototype.slice.call(container.querySelectorAll(".action-row.empty"));
  var hidden = empties.slice(1);
  if (!hidden.length) {
    return;
  }
  hidden.forEach(function (row) { row.hidden = true; });
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = container.getAttribute("data-add-label");
  button.addEventListener("click", function () {
    var row = hidden.shift();
    row.hidden = false;
    var first = row.querySelector("select, input, textarea");
    if (first) {
      first.focus();
    }
    if (!hidden.length) {
      button.remove();
    }
  });
  container.appendChild(button);
});
