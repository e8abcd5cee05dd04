// The one door to the Rust side. Tauri injects `window.__TAURI__` because
// `withGlobalTauri` is on; the capability file decides which commands work.

export function invoke(command, args) {
  return window.__TAURI__.core.invoke(command, args);
}

/** Calls `handler` with each change the core tells (a reading stored, a
 * plan changed, sync, training...), from now on, over a Tauri channel. */
export function listenToChanges(handler) {
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = handler;
  return invoke("listen_changes", { channel });
}
