// Small page helpers: draw Plotly figures declared in the markup, also after HTMX swaps.
(function () {
  "use strict";

  function drawCharts(root) {
    if (!window.Plotly) return;
    root.querySelectorAll("[data-plotly]").forEach(function (el) {
      if (el.dataset.plotlyDrawn) return;
      var source = document.getElementById(el.dataset.plotly);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
      window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, config);
      el.dataset.plotlyDrawn = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();

// A form marked data-ab-submit-once disables its buttons after the first submit (long uploads).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute || !form.hasAttribute("data-ab-submit-once")) return;
  // A disabled button is left out of what the form sends: keep the pressed one's name.
  var pressed = event.submitter;
  if (pressed && pressed.name) {
    var keep = document.createElement("input");
    keep.type = "hidden";
    keep.name = pressed.name;
    keep.value = pressed.value;
    form.appendChild(keep);
  }
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.disabled = true;
    var spinner = button.querySelector(".spinner-border");
    if (spinner) spinner.classList.remove("d-none");
  });
});
