// The home page's map: district outlines and facilities coloured by type, fetched after the page
// has loaded (the page stays light); no map tiles (nothing is fetched from outside Lafia).
(function () {
  var el = document.getElementById('map');
  if (!el || !window.L) return;
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false }).setView([8.6, 0.9], 6.5);
  function popup(lines) {
    var div = document.createElement('div');
    lines.forEach(function (t, i) {
      var p = document.createElement(i === 0 ? 'strong' : 'div');
      p.textContent = t;
      div.appendChild(p);
    });
    return div;
  }
  fetch(el.dataset.districts, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (fc) {
    var layer = L.geoJSON(fc, {
      style: { color: '#37474f', weight: 1, fillColor: '#90a4ae', fillOpacity: 0.08 },
      onEachFeature: function (f, l) {
        var pop = f.properties.population;
        l.bindPopup(popup([f.properties.name, pop == null ? '' : el.dataset.population + ' ' + pop.toLocaleString(document.documentElement.lang)]));
      }
    }).addTo(map);
    if (fc.features.length) map.fitBounds(layer.getBounds());
    el.setAttribute('data-district-count', fc.features.length);
  });
  fetch(el.dataset.facilities, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (fc) {
    L.geoJSON(fc, {
      pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 5, weight: 1, color: '#263238', fillOpacity: 0.9, className: 'fac t-' + f.properties.type });
      },
      onEachFeature: function (f, l) {
        var legend = document.querySelector('.legend .t-' + f.properties.type);
        l.bindPopup(popup([f.properties.name, legend ? legend.nextElementSibling.textContent : f.properties.type]));
      }
    }).addTo(map);
    el.setAttribute('data-facility-count', fc.features.length);
  });
})();
