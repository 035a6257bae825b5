/* Expertise suggestions on the profile form. htmx fetches the buttons
   (members:expertise_suggestions); a click puts the tag in place of the word
   being typed. Without JavaScript the field is a plain comma-separated text. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-expertise-tag]");
    if (!button) {
      return;
    }
    var input = document.getElementById("id_expertise");
    if (!input) {
      return;
    }
    var parts = input.value.split(",");
    parts.pop();
    parts = parts.map(function (part) { return part.trim(); }).filter(Boolean);
    parts.push(button.getAttribute("data-expertise-tag"));
    input.value = parts.join(", ") + ", ";
    var list = document.getElementById("expertise-suggestions");
    if (list) {
      list.textContent = "";
    }
    input.focus();
  });
})();
