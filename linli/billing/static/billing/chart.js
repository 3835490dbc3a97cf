/* The billing dashboard's chart: billed against collected by month, from the data the server
   embedded with json_script: <div data-billing-chart data-source="<id>">. */
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-billing-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) return;
      var rows = JSON.parse(source.textContent);
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        color: ["#94a3b8", "#16a34a"],
        textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: rows.map(function (r) { return r.period; }) },
        yAxis: { type: "value", splitNumber: 4 },
        series: [
          { name: el.dataset.billed, type: "bar", barMaxWidth: 22,
            data: rows.map(function (r) { return Number(r.billed); }) },
          { name: el.dataset.collected, type: "bar", barMaxWidth: 22,
            data: rows.map(function (r) { return Number(r.collected); }) }
        ]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
