/* The service desk's charts, drawn like the shell's (web/charts.js) from json_script data:
   <div data-sd-chart="bars|trend" data-source="id">, data = {names, series: [{name, values, line}]}.
   Grouped bars show open and overdue per category; the trend pairs the on-time rate (line)
   with the number resolved (bars) per day. */
(function () {
  "use strict";
  // Rates arrive as decimal strings ("85.00"), exact on the server; gaps stay null.
  function numbers(values) {
    return values.map(function (v) { return v === null ? null : Number(v); });
  }
  var palette = ["#2563eb", "#dc2626", "#16a34a", "#f59e0b"];

  function options(kind, data) {
    var font = getComputedStyle(document.body).fontFamily;
    var base = { color: palette, textStyle: { fontFamily: font }, animation: false,
                 tooltip: { trigger: "axis" }, legend: { top: 0 },
                 grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true } };
    if (kind === "bars") {
      base.xAxis = { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 6 ? 30 : 0 } };
      base.yAxis = { type: "value", minInterval: 1 };
      base.series = data.series.map(function (s) { return { type: "bar", name: s.name, data: numbers(s.values), barMaxWidth: 24 }; });
    } else {
      base.color = ["#16a34a", "#93c5fd"];
      base.xAxis = { type: "category", data: data.names };
      base.yAxis = [{ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
                    { type: "value", minInterval: 1, splitLine: { show: false } }];
      base.series = data.series.map(function (s) {
        // Straight segments: a smoothed curve overshoots its points and would rise above 100 %.
        return s.line ? { type: "line", name: s.name, data: numbers(s.values).map(function (v) {
                          return v === null ? null : Math.min(100, Math.max(0, v)); }), connectNulls: true }
                      : { type: "bar", name: s.name, data: numbers(s.values), yAxisIndex: 1, barMaxWidth: 14 };
      });
    }
    return base;
  }

  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-sd-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) return;
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(options(el.dataset.sdChart, JSON.parse(source.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
