// Configuration of the web console. Edit per deployment; loaded before the app.
// tileUrl: Leaflet tile layer URL template ("" = draw the geometry without a base map).
window.ETRACKING_CONFIG = Object.assign(
  {
    apiBase: "/api",
    tileUrl: "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
    tileAttribution:
      '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    tileMaxZoom: 19,
    leafletJs: "vendor/leaflet/leaflet.js",
    leafletCss: "vendor/leaflet/leaflet.css",
    notificationPollSeconds: 60,
  },
  window.ETRACKING_CONFIG || {}
);
