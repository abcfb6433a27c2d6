/*
 * Certification figures drawn with the vendored ECharts: each element with
 * data-certificate-chart="series|by_city|by_type" reads the page's json_script block
 * "certificate-figures-data". The page shows the same numbers as tables, so without
 * JavaScript nothing is lost. No inline scripts or styles (CSP).
 */
(function () {
  "use strict";

  function draw(element, data) {
    var kind = element.getAttribute("data-certificate-chart");
    var option;
    if (kind === "series") {
      option = {
        tooltip: { trigger: "axis" },
        legend: { data: ["有效证书", "获证组织"] },
        xAxis: { type: "category", data: data.series.map(function (r) { return r.month_end; }) },
        yAxis: { type: "value" },
        series: [
          { name: "有效证书", type: "line", data: data.series.map(function (r) { return r.certificates; }) },
          { name: "获证组织", type: "line", data: data.series.map(function (r) { return r.organisations; }) }
        ]
      };
    } else {
      var rows = kind === "by_city" ? data.by_city : data.by_type;
      option = {
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value" },
        series: [{ name: "有效证书", type: "bar", data: rows.map(function (r) { return r.certificates; }) }]
      };
    }
    echarts.init(element).setOption(option);
  }

  function start() {
    var script = document.getElementById("certificate-figures-data");
    if (!script || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(script.textContent);
    document.querySelectorAll("[data-certificate-chart]").forEach(function (element) {
      element.classList.add("chart-drawn");
      draw(element, data);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
