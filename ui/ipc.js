// The one door to the Rust side. Tauri injects `window.__TAURI__` because
// `withGlobalTauri` is on; the capability file decides which commands work.

export function invoke(command, args) {
  return window.__TAURI__.core.invoke(command, args);
}
