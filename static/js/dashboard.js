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
    // Tooltips are DOM built with textContent, never HTML strings: station, street and unit names are typed
    // by staff and must not become markup. No style="" either (the Content-Security-Policy refuses it): the
    // series colour is set through the CSSOM, which the policy allows, and confine: true spares ECharts its
    // tooltip arrow (an HTML string with a style attribute).
    function tip(title, rows) {
      var box = document.createElement("div");
      box.className = "chart-tip";
      if (title !== undefined && title !== null && title !== "") {
        var head = document.createElement("strong");
        head.textContent = String(title);
        box.appendChild(head);
      }
      rows.forEach(function (r) {
        var line = document.createElement("div");
        if (r.color) {
          var dot = document.createElement("span");
          dot.className = "chart-tip-dot";
          dot.style.backgroundColor = typeof r.color === "string" ? r.color : "";
          line.appendChild(dot);
        }
        line.appendChild(document.createTextNode(r.name ? String(r.name) + ": " : ""));
        var value = document.createElement("b");
        value.textContent = r.value === undefined || r.value === null ? "—" : String(r.value);
        line.appendChild(value);
        box.appendChild(line);
      });
      return box;
    }
    function axisTip(params) {
      params = [].concat(params);
      var first = params[0] || {};
      return tip(first.axisValueLabel || first.name, params.map(function (p) {
        return { name: p.seriesName, value: Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value, color: p.color };
      }));
    }
    function itemTip(p) {
      var value = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
      if (p.percent !== undefined) value = value + " (" + p.percent + "%)";
      return tip(p.name, [{ name: "", value: value, color: p.color }]);
    }
    chart("chart-trend", {
      tooltip: { trigger: "axis", confine: true, formatter: axisTip }, legend: { bottom: 0 }, grid: { left: 40, right: 10, top: 10, bottom: 50 },
      xAxis: { type: "category", data: data.trend.labels }, yAxis: { type: "value" },
      series: Object.keys(data.trend.series).map(function (k) {
        return { name: label(k), type: "line", smooth: true, data: data.trend.series[k] };
      })
    });
    chart("chart-levels", {
      tooltip: { trigger: "item", confine: true, formatter: itemTip },
      series: [{ type: "pie", radius: ["40%", "70%"], data: Object.keys(data.levels).filter(function (k) { return data.levels[k]; })
        .map(function (k) { return { name: label(k), value: data.levels[k] }; }) }]
    });
    var breakdown = chart("chart-breakdown", {
      tooltip: { trigger: "axis", confine: true, formatter: axisTip }, legend: { bottom: 0 }, grid: { left: 40, right: 10, top: 10, bottom: 90 },
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
      tooltip: { confine: true, formatter: itemTip }, xAxis: { type: "category", data: ["development", "livelihood", "rural"].map(label) }, yAxis: { type: "value" },
      grid: { left: 30, right: 10, top: 10, bottom: 30 },
      series: [{ type: "bar", data: [data.suggestions.development, data.suggestions.livelihood, data.suggestions.rural] }]
    });
    chart("chart-funnel", {
      tooltip: { trigger: "item", confine: true, formatter: itemTip },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { formatter: "{b}: {c}" },
        data: data.funnel.map(function (f) { return { name: f.stage, value: f.value }; }) }]
    });
    var map = chart("chart-map", {
      tooltip: { confine: true, formatter: function (p) { return tip(p.data.name, [{ name: "", value: p.data.street }]); } },
      grid: { left: 50, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value", scale: true, name: "E" }, yAxis: { type: "value", scale: true, name: "N" },
      series: [{ type: "scatter", symbolSize: 12, data: data.map }]
    });
    if (map) map.on("click", function (p) { window.location.search = "?" + query + "&station=" + encodeURIComponent(p.data.code); });
  });
})();
