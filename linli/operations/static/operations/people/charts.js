/* Grouped bar charts of the operations pages (planned vs actual, done vs pending), drawn from
   the data the server embedded with json_script:
   <div data-people-chart data-source="<id>"> with {"names": [...], "series": [{"name", "data"}]}. */
(function () {
  "use strict";
  var palette = ["#94a3b8", "#2563eb", "#16a34a", "#f59e0b"];

  function draw() {
    if (!window.echarts) return;
    var font = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("[data-people-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var chart = echarts.init(el, null, { renderer: "svg" });
      var stacked = el.dataset.stacked === "1";
      chart.setOption({
        color: stacked ? ["#16a34a", "#f59e0b"] : palette, animation: false, textStyle: { fontFamily: font },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 6 ? 40 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", barMaxWidth: 24, data: s.data, stack: stacked ? "all" : undefined,
                   label: { show: !stacked, position: "top" } };
        })
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
