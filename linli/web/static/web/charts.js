/* Draws the charts of a page from the data the server embedded with json_script:
   <div data-chart="pie|bar" data-source="<id of the json_script element>">, with data-unit="percent"
   for rates (a fixed 0–100 % axis, values clamped to it) or "count" (whole-number ticks). */
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

  // A bar's value sits inside the bar when the bar is long enough to hold it, at its end otherwise:
  // a short bar never cuts its label ("15503.76" read "03.76" at 375 px), and the value axis keeps
  // a margin so that the end label of the longest bar stays inside the chart.
  function labelled(values) {
    var top = Math.max.apply(null, values.concat([0]));
    return values.map(function (v) {
      return v >= top * 0.55 ? { value: v }
        : { value: v, label: { position: "right", color: "#1f2937" } };
    });
  }

  function options(kind, data, unit) {
    var base = { color: palette, textStyle: { fontFamily: font }, tooltip: {}, animation: false };
    if (kind === "pie") {
      base.tooltip = { trigger: "item", formatter: "{b}: {c} ({d}%)" };
      base.series = [{ type: "pie", radius: ["38%", "64%"], center: ["50%", "50%"], data: coloured(data),
                       label: { formatter: "{b}\n{c}" } }];
    } else {
      base.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
      base.grid = { left: 8, right: 28, top: 8, bottom: 8, containLabel: true };
      var values = data.map(function (d) {
        return unit === "percent" ? Math.min(100, Math.max(0, d.value)) : d.value;
      });
      base.xAxis = unit === "percent"
        ? { type: "value", min: 0, max: 100, interval: 25, axisLabel: { formatter: "{value}%" } }
        : { type: "value", splitNumber: 3, boundaryGap: [0, "18%"], minInterval: unit === "count" ? 1 : 0 };
      base.yAxis = { type: "category", inverse: true, data: data.map(function (d) { return d.name; }),
                     axisLabel: { width: 110, overflow: "truncate" } };
      base.series = [{ type: "bar", barMaxWidth: 28, data: labelled(values),
                       label: { show: true, position: "insideRight", color: "#fff",
                                formatter: unit === "percent" ? "{c}%" : "{c}" } }];
    }
    return base;
  }

  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) return;
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(options(el.dataset.chart, numeric(JSON.parse(source.textContent)), el.dataset.unit));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
