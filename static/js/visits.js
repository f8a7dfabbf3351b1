// Visit form: "add another problem" clones the empty formset form (no inline script: CSP).
(function () {
  "use strict";
  var button = document.getElementById("add-problem");
  if (!button) { return; }
  var prefix = button.getAttribute("data-prefix");
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var template = document.getElementById("problem-template");
  var container = document.getElementById("problem-forms");
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var form = holder.firstElementChild;
    var number = form.querySelector(".problem-number");
    if (number) { number.textContent = String(index + 1); }
    container.appendChild(form);
    total.value = String(index + 1);
    var first = form.querySelector("select, textarea");
    if (first) { first.focus(); }
  });
})();
