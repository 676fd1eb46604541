/* Station directory: the map (ECharts, vendored; no remote tiles) and "nearest to me" (the browser's
   geolocation and the haversine formula, computed in the page: the position is sent nowhere).
   The page works without this script: the list and the search form are plain HTML. */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var points = readJSON("station-points") || [];
  var text = readJSON("directory-text") || {};
  var lang = document.documentElement.lang || "zh-hans";
  var chart = null;
  var nearestCodes = [];

  function format(template, value) {
    return template.replace("%(d)s", value);
  }

  // Great-circle distance in metres between two WGS84 points.
  function haversine(lat1, lon1, lat2, lon2) {
    var R = 6371008.8;
    var toRad = Math.PI / 180;
    var dLat = (lat2 - lat1) * toRad;
    var dLon = (lon2 - lon1) * toRad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function distanceLabel(metres) {
    if (metres < 1000) return format(text.m, String(Math.round(metres / 10) * 10));
    return format(text.km, (metres / 1000).toFixed(metres < 10000 ? 1 : 0));
  }

  function dateLabel(iso) {
    if (!iso) return text.none;
    var parts = iso.split("-").map(Number);
    var date = new Date(parts[0], parts[1] - 1, parts[2]);
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: "full" }).format(date);
    } catch (e) {
      return iso;
    }
  }

  // --- the district outline: the convex hull of the stations, pushed outwards (approximate by design) ---
  function cross(o, a, b) {
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  }

  function convexHull(coords) {
    var pts = coords.slice().sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    if (pts.length < 3) return pts;
    var lower = [], upper = [], i;
    for (i = 0; i < pts.length; i++) {
      while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], pts[i]) <= 0) lower.pop();
      lower.push(pts[i]);
    }
    for (i = pts.length - 1; i >= 0; i--) {
      while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], pts[i]) <= 0) upper.pop();
      upper.push(pts[i]);
    }
    upper.pop();
    lower.pop();
    return lower.concat(upper);
  }

  function outline(coords) {
    var hull = convexHull(coords);
    var cx = 0, cy = 0;
    hull.forEach(function (p) { cx += p[0]; cy += p[1]; });
    cx /= hull.length || 1;
    cy /= hull.length || 1;
    var margin = 0.025; // degrees, about 2.5 km
    var ring = hull.map(function (p) {
      var dx = p[0] - cx, dy = p[1] - cy, len = Math.sqrt(dx * dx + dy * dy) || 1;
      return [p[0] + dx / len * margin, p[1] + dy / len * margin];
    });
    if (ring.length < 3) {
      ring = [[cx - margin, cy - margin], [cx + margin, cy - margin], [cx + margin, cy + margin], [cx - margin, cy + margin]];
    }
    ring.push(ring[0]);
    return {
      type: "FeatureCollection",
      features: [{ type: "Feature", properties: { name: "district" }, geometry: { type: "Polygon", coordinates: [ring] } }]
    };
  }

  function seriesData() {
    return points.map(function (p) {
      var nearest = nearestCodes.indexOf(p.code) !== -1;
      return {
        name: p.name,
        value: [p.lon, p.lat],
        url: p.url,
        next: p.next,
        symbolSize: nearest ? 20 : (p.match ? 13 : 8),
        itemStyle: {
          color: nearest ? "#ffdd00" : (p.match ? "#a4161a" : "#8a8f96"),
          borderColor: nearest ? "#0b0c0c" : "#ffffff",
          borderWidth: nearest ? 3 : 1.5
        },
        z: nearest ? 3 : (p.match ? 2 : 1)
      };
    });
  }

  function drawMap() {
    var figure = document.querySelector("[data-map-figure]");
    if (!figure || !window.echarts || !points.length) return;
    figure.hidden = false;
    var el = document.getElementById("station-map");
    echarts.registerMap("portal-district", outline(points.map(function (p) { return [p.lon, p.lat]; })));
    chart = echarts.init(el, null, { renderer: "canvas" });
    var wide = window.matchMedia("(min-width: 768px)").matches;
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (item) {
          var div = document.createElement("div");
          var strong = document.createElement("strong");
          strong.textContent = item.name;
          div.appendChild(strong);
          if (item.data) {
            div.appendChild(document.createElement("br"));
            div.appendChild(document.createTextNode(text.next + " " + dateLabel(item.data.next)));
          }
          return div; // DOM, not an HTML string: the name is set with textContent
        }
      },
      geo: {
        map: "portal-district",
        roam: wide ? true : "scale",
        scaleLimit: { min: 1, max: 8 },
        layoutCenter: ["50%", "50%"],
        layoutSize: "95%",
        silent: true,
        itemStyle: { areaColor: "#f3ece4", borderColor: "#a4161a", borderWidth: 1.5, borderType: "dashed" },
        emphasis: { disabled: true }
      },
      series: [{ type: "scatter", coordinateSystem: "geo", data: seriesData(), cursor: "pointer" }]
    });
    chart.on("click", function (item) {
      if (item.data && item.data.url) window.location.href = item.data.url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // --- nearest to me ---
  function showNearest(position) {
    var lat = position.coords.latitude, lon = position.coords.longitude;
    var ranked = points.map(function (p) {
      return { point: p, metres: haversine(lat, lon, p.lat, p.lon) };
    }).sort(function (a, b) { return a.metres - b.metres; });
    var byCode = {};
    ranked.forEach(function (r) { byCode[r.point.code] = r.metres; });
    document.querySelectorAll(".station-card[data-code]").forEach(function (card) {
      var metres = byCode[card.getAttribute("data-code")];
      var out = card.querySelector("[data-distance]");
      if (out && metres !== undefined) {
        out.textContent = distanceLabel(metres);
        out.hidden = false;
      }
    });
    var top = ranked.slice(0, 3);
    nearestCodes = top.map(function (r) { return r.point.code; });
    var output = document.querySelector("[data-nearest-output]");
    output.textContent = "";
    var heading = document.createElement("h3");
    heading.className = "h5 mt-3";
    heading.textContent = text.nearest;
    var list = document.createElement("ol");
    list.className = "nearest-results";
    top.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.point.url;
      a.lang = "zh-Hans";
      a.textContent = r.point.name;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" · " + distanceLabel(r.metres)));
      var next = document.createElement("div");
      next.textContent = text.next + " " + dateLabel(r.point.next);
      li.appendChild(next);
      list.appendChild(li);
    });
    output.appendChild(heading);
    output.appendChild(list);
    if (chart) chart.setOption({ series: [{ data: seriesData() }] });
  }

  function setupNearest() {
    var panel = document.querySelector("[data-nearest]");
    if (!panel || !points.length) return;
    panel.hidden = false;
    var button = panel.querySelector("[data-nearest-button]");
    var output = panel.querySelector("[data-nearest-output]");
    button.addEventListener("click", function () {
      if (!("geolocation" in navigator)) {
        output.textContent = text.unsupported;
        return;
      }
      output.textContent = text.locating;
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) { button.disabled = false; showNearest(position); },
        function () { button.disabled = false; output.textContent = text.denied; },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  setupNearest();
  drawMap();
  window.portalDirectory = { haversine: haversine, convexHull: convexHull };
})();
