/* Draws the charts of a page from the data the server embedded with json_script:
   <div data-chart="pie|bar" data-source="<id of the json_script element>">. */
(function () {
  "use strict";
  var palette = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];
  // A status keeps its colour from page to page, whatever else is on the chart.
  var keyColours = { occupied: "#16a34a", rented: "#2563eb", vacant: "#f59e0b", delivered: "#0891b2",
                     unsold: "#94a3b8" };

  // Amounts arrive as decimal strings ("50058.54"): exact on the server, numbers only to draw.
  function numeric(data) {
    return data.map(function (d) { return Object.assign({}, d, { value: Number(d.value) }); });
  }

  function coloured(data) {
    return data.map(function (d) {
      return keyColours[d.key] ? Object.assign({ itemStyle: { color: keyColours[d.key] } }, d) : d;
    });
  }
  var font = getComputedStyle(document.body).fontFamily;

  function options(kind, data) {
    var base = { color: palette, textStyle: { fontFamily: font }, tooltip: {}, animation: false };
    if (kind === "pie") {
      base.tooltip = { trigger: "item", formatter: "{b}: {c} ({d}%)" };
      base.series = [{ type: "pie", radius: ["38%", "64%"], center: ["50%", "50%"], data: coloured(data),
                       label: { formatter: "{b}\n{c}" } }];
    } else {
      base.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
      base.grid = { left: 8, right: 28, top: 8, bottom: 8, containLabel: true };
      base.xAxis = { type: "value", splitNumber: 3 };
      base.yAxis = { type: "category", inverse: true, data: data.map(function (d) { return d.name; }) };
      base.series = [{ type: "bar", barMaxWidth: 28, data: data.map(function (d) { return d.value; }),
                       label: { show: true, position: "insideRight", color: "#fff" } }];
    }
    return base;
  }

  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) return;
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(options(el.dataset.chart, numeric(JSON.parse(source.textContent))));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
