/* Dashboard charts (Apache ECharts, served locally). The page embeds its figures as JSON (#chart-data);
   this file only draws them, so the Content-Security-Policy can forbid inline scripts. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var dark = document.body.classList.contains("wall");
  var theme = dark ? "dark" : null;
  var palette = ["#a4161a", "#2f6fb0", "#e0a100", "#3a9d5d", "#7a4fa0"];
  var text = dark ? "#e8edf3" : "#1f2328";
  var charts = [];

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node, theme, { renderer: "canvas" });
    option.color = option.color || palette;
    option.backgroundColor = "transparent";
    option.textStyle = { fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif", color: text };
    chart.setOption(option);
    charts.push(chart);
  }

  var labels = data.labels;
  draw("trend-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [labels.accepted, labels.completed, labels.satisfaction], textStyle: { color: text } },
    grid: { left: 48, right: 48, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.trend.labels, axisLabel: { color: text } },
    yAxis: [
      { type: "value", minInterval: 1, axisLabel: { color: text } },
      { type: "value", min: 0, max: 100, axisLabel: { color: text, formatter: "{value}%" } }
    ],
    series: [
      { name: labels.accepted, type: "bar", data: data.trend.accepted, itemStyle: { color: "#2f6fb0" } },
      { name: labels.completed, type: "bar", data: data.trend.completed, itemStyle: { color: "#3a9d5d" } },
      { name: labels.satisfaction, type: "line", yAxisIndex: 1, data: data.trend.satisfaction, smooth: true,
        connectNulls: true, itemStyle: { color: "#e0a100" } }
    ]
  });

  var rated = data.ratings.filter(function (r) { return r.count > 0; });
  draw("rating-chart", {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { bottom: 0, textStyle: { color: text } },
    color: ["#3a9d5d", "#7cc48f", "#e0a100", "#e07b39", "#b3261e"],
    series: [{
      type: "pie", radius: ["38%", "66%"], center: ["50%", "44%"],
      label: { formatter: "{b}\n{d}%", color: text },
      data: (rated.length ? data.ratings : []).map(function (r) { return { name: r.label, value: r.count }; })
    }]
  });

  var ranking = data.ranking.slice().sort(function (a, b) {
    return (a.completion_rate || 0) - (b.completion_rate || 0);
  });
  draw("ranking-chart", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 120, right: 48, top: 8, bottom: 24 },
    xAxis: { type: "value", min: 0, max: 100, axisLabel: { color: text, formatter: "{value}%" } },
    yAxis: { type: "category", data: ranking.map(function (r) { return r.name; }), axisLabel: { color: text } },
    series: [{
      name: labels.completion_rate, type: "bar", data: ranking.map(function (r) { return r.completion_rate; }),
      itemStyle: { color: "#a4161a" }, label: { show: true, position: "right", formatter: "{c}%", color: text }
    }]
  });

  if (data.pension) {
    draw("pension-chart", {
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 24, top: 16, bottom: 32 },
      xAxis: { type: "category", data: data.pension.days, axisLabel: { color: text } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: text } },
      series: [{ name: labels.pension, type: "bar", data: data.pension.total, itemStyle: { color: "#2f6fb0" } }]
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.setAttribute("data-charts", String(charts.length));
})();
