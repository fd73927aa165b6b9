// The same end point as Guichet's first screen: a timer set in the frame callback runs once
// that frame is painted; then tell the Rust side, with when the page's navigation started.
requestAnimationFrame(() =>
  setTimeout(() => window.__TAURI_INTERNALS__.invoke("painted", { navigation: Math.round(performance.timeOrigin) }), 0),
);
