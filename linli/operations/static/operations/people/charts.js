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
      var stacked = el.dataset.stacked === "1";
      // On a phone the names run down the side, one row each, and the counts sit at the bars' ends:
      // side by side, many names and their bar labels overlapped at 375 px.
      var narrow = el.clientWidth < 560;
      if (narrow) {
        var rowHeight = stacked ? 26 : 14 * data.series.length + 12;
        el.style.height = Math.max(160, data.names.length * rowHeight + 60) + "px";
      }
      var names = { type: "category", data: data.names, inverse: narrow,
                    axisLabel: narrow ? { interval: 0, width: 96, overflow: "truncate" }
                                      : { interval: 0, rotate: data.names.length > 6 ? 40 : 0 } };
      var counts = { type: "value", minInterval: 1, boundaryGap: [0, narrow ? "15%" : 0] };
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        color: stacked ? ["#16a34a", "#f59e0b"] : palette, animation: false, textStyle: { fontFamily: font },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: narrow ? counts : names,
        yAxis: narrow ? names : counts,
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", barMaxWidth: narrow ? 12 : 24, data: s.data,
                   stack: stacked ? "all" : undefined,
                   label: { show: !stacked, position: narrow ? "right" : "top" } };
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
