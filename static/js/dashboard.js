/* County dashboard charts: ECharts (vendored), data from the page's JSON, no remote tiles or fonts. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    if (!window.echarts) return;
    var data = JSON.parse(document.getElementById("dashboard-data").textContent);
    var query = JSON.parse(document.getElementById("dashboard-query").textContent);
    var red = ["#a4161a", "#1d4e89", "#2a9d8f", "#e9c46a", "#6c757d", "#7b2cbf"];
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) return null;
      var c = echarts.init(el, null, { renderer: "svg" });
      option.color = option.color || red;
      c.setOption(option);
      window.addEventListener("resize", function () { c.resize(); });
      return c;
    }
    var names = data.labels;
    function label(key) { return names[key] || key; }
    chart("chart-trend", {
      tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 40, right: 10, top: 10, bottom: 50 },
      xAxis: { type: "category", data: data.trend.labels }, yAxis: { type: "value" },
      series: Object.keys(data.trend.series).map(function (k) {
        return { name: label(k), type: "line", smooth: true, data: data.trend.series[k] };
      })
    });
    chart("chart-levels", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], data: Object.keys(data.levels).filter(function (k) { return data.levels[k]; })
        .map(function (k) { return { name: label(k), value: data.levels[k] }; }) }]
    });
    var breakdown = chart("chart-breakdown", {
      tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 40, right: 10, top: 10, bottom: 90 },
      xAxis: { type: "category", data: data.breakdown.map(function (r) { return r.name; }), axisLabel: { rotate: 40 } },
      yAxis: { type: "value" },
      series: ["people_received", "opinions_received", "activities"].map(function (k) {
        return { name: label(k), type: "bar", data: data.breakdown.map(function (r) { return r[k]; }) };
      })
    });
    if (breakdown) breakdown.on("click", function (p) {
      var row = data.breakdown[p.dataIndex];
      var key = data.by_station ? "station" : "area";
      window.location.search = "?" + query + "&" + key + "=" + encodeURIComponent(row.key);
    });
    chart("chart-suggestions", {
      tooltip: {}, xAxis: { type: "category", data: ["development", "livelihood", "rural"].map(label) }, yAxis: { type: "value" },
      grid: { left: 30, right: 10, top: 10, bottom: 30 },
      series: [{ type: "bar", data: [data.suggestions.development, data.suggestions.livelihood, data.suggestions.rural] }]
    });
    chart("chart-funnel", {
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { formatter: "{b}: {c}" },
        data: data.funnel.map(function (f) { return { name: f.stage, value: f.value }; }) }]
    });
    var map = chart("chart-map", {
      tooltip: { formatter: function (p) { return p.data.name + "<br>" + p.data.street; } },
      grid: { left: 50, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value", scale: true, name: "E" }, yAxis: { type: "value", scale: true, name: "N" },
      series: [{ type: "scatter", symbolSize: 12, data: data.map }]
    });
    if (map) map.on("click", function (p) { window.location.search = "?" + query + "&station=" + encodeURIComponent(p.data.code); });
  });
})();
