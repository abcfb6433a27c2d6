/*
 * Liaoning maps drawn with the vendored ECharts (see vendor/VERSIONS.md).
 *
 * Every element with data-map-config="<id>" names a {{ value|json_script:"<id>" }} block:
 *   kind "cities": organisations per city; clicking a city opens the directory for that city.
 *   kind "pin":    one point (an organisation, or its city when it has no coordinates).
 *   kind "pins":   several points ({name, longitude, latitude, url}); clicking one opens its url
 *                  (the matching search's results).
 * Maps inside content that htmx swaps in are drawn after the swap.
 * The pages show the same facts as text, so without JavaScript nothing is lost.
 * No inline styles or eval: the Content-Security-Policy allows neither.
 */
(function () {
  "use strict";

  var MAP_NAME = "liaoning";
  var geojsonRequests = {};

  // The vendored map's feature names are the Chinese city names (沈阳市 …), the same as
  // qihub/reference/data/regions.csv. Older map files sometimes drop the 市 suffix; accept both.
  function featureAliases(name) {
    return name.slice(-1) === "市" ? [name, name.slice(0, -1)] : [name, name + "市"];
  }

  // echarts-map 3.0.1 stores a city with islands (大连市, 丹东市, 锦州市, 葫芦岛市) as ONE
  // polygon whose extra rings are the islands. ECharts 6 reads extra rings as holes, so the city's
  // bounding box is its first ring only and the map overflows its box. Make each ring a polygon
  // of its own (the rings stay encoded; only the nesting changes).
  function splitIslands(geojson) {
    (geojson.features || []).forEach(function (feature) {
      var geometry = feature.geometry;
      if (
        geometry &&
        geometry.type === "MultiPolygon" &&
        geometry.coordinates.length === 1 &&
        geometry.coordinates[0].length > 1
      ) {
        geometry.coordinates = geometry.coordinates[0].map(function (ring) {
          return [ring];
        });
        geometry.encodeOffsets = geometry.encodeOffsets[0].map(function (offset) {
          return [offset];
        });
      }
    });
    return geojson;
  }

  function loadMap(url) {
    if (!geojsonRequests[url]) {
      geojsonRequests[url] = fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("map data: HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (geojson) {
          echarts.registerMap(MAP_NAME, splitIslands(geojson));
          return geojson;
        });
    }
    return geojsonRequests[url];
  }

  function escapeHtml(text) {
    return echarts.format.encodeHTML(String(text));
  }

  function featureNames(geojson) {
    return (geojson.features || []).map(function (feature) {
      return feature.properties && feature.properties.name;
    });
  }

  function citiesOption(config, geojson) {
    var names = featureNames(geojson);
    var nameMap = {};
    var data = [];
    var max = 0;
    config.cities.forEach(function (city) {
      var feature = featureAliases(city.feature).filter(function (alias) {
        return names.indexOf(alias) !== -1;
      })[0];
      if (!feature) {
        return;
      }
      nameMap[feature] = city.label;
      max = Math.max(max, city.value);
      data.push({
        name: city.label,
        value: city.value,
        institutions: city.institutions,
        url: city.url,
      });
    });
    return {
      aria: { enabled: true, label: { description: config.ariaLabel } },
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          var item = params.data;
          if (!item) {
            return escapeHtml(params.name);
          }
          // Plain markup: CSP blocks style attributes inside tooltip HTML.
          return (
            "<strong>" + escapeHtml(item.name) + "</strong><br>" +
            escapeHtml(config.valueLabel) + ": " + escapeHtml(item.value) + "<br>" +
            escapeHtml(config.institutionsLabel) + ": " + escapeHtml(item.institutions)
          );
        },
      },
      visualMap: {
        min: 0,
        max: Math.max(max, 1),
        left: 8,
        bottom: 8,
        text: [config.high, config.low],
        calculable: false,
        itemHeight: 90,
        inRange: { color: ["#e4eef9", "#8db4e2", "#1565c0", "#0a2f5c"] },
        textStyle: { color: "#3f4b59" },
      },
      series: [
        {
          name: config.seriesName,
          type: "map",
          map: MAP_NAME,
          nameMap: nameMap,
          roam: false,
          selectedMode: false,
          // layoutCenter + layoutSize keep the map's aspect ratio (a box layout would stretch it).
          layoutCenter: ["52%", "50%"],
          layoutSize: "94%",
          // A white halo keeps names readable on light and dark areas alike.
          label: {
            show: true,
            fontSize: 11,
            color: "#1d2733",
            textBorderColor: "#ffffff",
            textBorderWidth: 2,
          },
          itemStyle: { borderColor: "#ffffff", borderWidth: 1 },
          emphasis: {
            label: { color: "#0a2f5c", fontWeight: "bold" },
            itemStyle: { areaColor: "#c89b3c" },
          },
          data: data,
        },
      ],
    };
  }

  function pinOption(config) {
    var pins = config.pins || [
      { name: config.name, longitude: config.longitude, latitude: config.latitude },
    ];
    return {
      aria: { enabled: true, label: { description: config.ariaLabel } },
      tooltip: config.pins
        ? {
            trigger: "item",
            formatter: function (params) {
              return escapeHtml(params.name);
            },
          }
        : undefined,
      geo: {
        map: MAP_NAME,
        roam: false,
        silent: true,
        layoutCenter: ["50%", "50%"],
        layoutSize: "94%",
        itemStyle: { areaColor: "#e4eef9", borderColor: "#8db4e2" },
        regions: config.cityFeature
          ? [{ name: config.cityFeature, itemStyle: { areaColor: "#b9d2ee" } }]
          : [],
      },
      series: [
        {
          type: "scatter",
          coordinateSystem: "geo",
          symbol: "pin",
          symbolSize: config.pins ? 26 : 34,
          itemStyle: { color: "#b3261e" },
          data: pins.map(function (pin) {
            return { name: pin.name, value: [pin.longitude, pin.latitude], url: pin.url };
          }),
        },
      ],
    };
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.mapConfig);
    if (!source || typeof echarts === "undefined" || element.dataset.mapDrawn) {
      return;
    }
    element.dataset.mapDrawn = "true";
    var config = JSON.parse(source.textContent);
    loadMap(config.geojson)
      .then(function (geojson) {
        element.textContent = "";
        element.setAttribute("role", "img");
        element.setAttribute("aria-label", config.ariaLabel);
        var chart = echarts.init(element, null, { renderer: "canvas" });
        if (config.kind === "cities") {
          chart.setOption(citiesOption(config, geojson));
          chart.on("click", function (params) {
            if (params.data && params.data.url) {
              window.location.assign(params.data.url);
            }
          });
        } else {
          chart.setOption(pinOption(config));
          if (config.kind === "pins") {
            chart.on("click", function (params) {
              if (params.data && params.data.url) {
                window.location.assign(params.data.url);
              }
            });
          }
        }
        element.classList.add("is-ready");
        window.addEventListener("resize", function () {
          chart.resize();
        });
      })
      .catch(function (error) {
        // Keep the text fallback; the tables on the page carry the same facts.
        if (window.console) {
          window.console.warn(error);
        }
      });
  }

  function init() {
    document.querySelectorAll("[data-map-config]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  // Content swapped in by htmx (the matching search's results) may bring a map of its own.
  // htmx:load fires on each new element (and on the body at start: drawn maps are skipped).
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    if (root && root.querySelectorAll) {
      root.querySelectorAll("[data-map-config]").forEach(draw);
    }
  });
})();
