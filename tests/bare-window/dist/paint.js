// The same end point as Guichet's first screen: a timer set in the frame callback runs once
// that frame is painted; then tell the Rust side.
requestAnimationFrame(() => setTimeout(() => window.__TAURI_INTERNALS__.invoke("painted"), 0));
