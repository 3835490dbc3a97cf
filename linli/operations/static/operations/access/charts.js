/* Charts of the access and project pages, from the data embedded with json_script:
   data-access-chart="hourly" (in/out per hour) or "buildings" (units done per building). */
(function () {
  "use strict";
  var font = getComputedStyle(document.body).fontFamily;

  function hourly(d) {
    return {
      color: ["#2563eb", "#16a34a"], textStyle: { fontFamily: font }, animation: false,
      tooltip: { trigger: "axis" }, legend: { data: d.labels, top: 0 },
      grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.hours },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: d.labels[0], type: "bar", data: d.in }, { name: d.labels[1], type: "bar", data: d.out }]
    };
  }

  function buildings(d) {
    return {
      color: ["#16a34a", "#cbd2dc"], textStyle: { fontFamily: font }, animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { data: d.labels, top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.names },
      series: [{ name: d.labels[0], type: "bar", stack: "units", data: d.done },
               { name: d.labels[1], type: "bar", stack: "units", data: d.rest }]
    };
  }

  var kinds = { hourly: hourly, buildings: buildings };

  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-access-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      var build = kinds[el.dataset.accessChart];
      if (!source || !build) return;
      var data = JSON.parse(source.textContent);
      if (el.dataset.accessChart === "buildings") {
        el.style.height = Math.max(160, data.names.length * 26 + 60) + "px";
      }
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(data));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
