// Optional: show and hide follow-up questions as answers change. The page works without it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.step");
  if (!form) return;
  var dependents = form.querySelectorAll("[data-show-if]");
  function answerOf(id) {
    var group = document.getElementById("q-" + id);
    if (!group) return undefined; // asked on another page: the server decided already
    if (group.disabled) return null;
    var checked = group.querySelector("input[type=radio]:checked");
    return checked ? checked.value : null;
  }
  function update() {
    // In document order, so a question shown or hidden here updates those that follow it.
    dependents.forEach(function (el) {
      var parts = el.getAttribute("data-show-if").split(" ");
      var answer = answerOf(parts[0]);
      if (answer === undefined) return;
      var show = answer !== null && parts.slice(1).indexOf(answer) !== -1;
      el.hidden = !show;
      el.disabled = !show;
    });
  }
  form.addEventListener("change", update);
  update();
});
