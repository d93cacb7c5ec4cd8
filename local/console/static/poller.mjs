/**
 * Runs a refresh every `intervalMs` while the tab is visible, never two at once; a hidden tab
 * costs nothing, and coming back refreshes at once.
 */
export function poll(refresh, intervalMs, onError = () => {}) {
  let timer;
  let running = false;
  const tick = async () => {
    clearTimeout(timer);
    if (document.visibilityState !== 'visible' || running) return;
    running = true;
    try {
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      running = false;
      if (document.visibilityState === 'visible') timer = setTimeout(tick, intervalMs);
    }
  };
  document.addEventListener('visibilitychange', tick);
  tick();
  return { now: tick };
}
