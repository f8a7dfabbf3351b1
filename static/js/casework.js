// Activity form: show only the figures that belong to the chosen kind of activity (the server checks it too).
(function () {
  "use strict";
  var form = document.getElementById("activity-form");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  if (!kind) { return; }
  function wrapperOf(input) {
    return input.closest(".mb-3") || input.parentElement;
  }
  function update() {
    form.querySelectorAll("[data-activity-kind]").forEach(function (input) {
      var own = input.getAttribute("data-activity-kind") === kind.value;
      var hasValue = input.value && input.value !== "0";
      wrapperOf(input).hidden = !own && !hasValue;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
