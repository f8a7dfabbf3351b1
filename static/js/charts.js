// Dashboard charts: drawn with the vendored Chart.js from the JSON block #dashboard-data (no inline script).
// The same numbers are in the tables under each chart.
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(node.textContent);
  var palette = ["#0d6efd", "#6f42c1", "#d63384", "#fd7e14", "#20c997", "#6c757d", "#0dcaf0", "#198754"];
  var lightColours = { green: "#198754", yellow: "#ffc107", red: "#dc3545" };
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  window.Chart.defaults.animation = reduceMotion ? false : window.Chart.defaults.animation;
  window.Chart.defaults.maintainAspectRatio = false;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      canvas.chart = new window.Chart(canvas, config);
    }
  }

  draw("chart-coverage", {
    type: "bar",
    data: {
      labels: data.coverage.labels,
      datasets: [
        { type: "line", label: data.coverage.label_coverage, data: data.coverage.coverage, yAxisID: "pct",
          borderColor: "#198754", backgroundColor: "#198754", tension: 0.2 },
        { type: "bar", label: data.coverage.label_visits, data: data.coverage.visits, yAxisID: "count",
          backgroundColor: "rgba(13, 110, 253, 0.5)" }
      ]
    },
    options: {
      scales: {
        count: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 } },
        pct: { type: "linear", position: "right", beginAtZero: true, max: 100, grid: { drawOnChartArea: false } }
      }
    }
  });

  draw("chart-status", {
    type: "bar",
    data: {
      labels: data.status.labels,
      datasets: data.status.datasets.map(function (set, index) {
        return { label: set.label, data: set.data, backgroundColor: palette[index % palette.length] };
      })
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });

  draw("chart-lights", {
    type: "bar",
    data: {
      labels: data.lights.labels,
      datasets: data.lights.datasets.map(function (set) {
        return { label: set.label, data: set.data, backgroundColor: lightColours[set.light] };
      })
    },
    options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } }
  });
})();
