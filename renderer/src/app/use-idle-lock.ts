import { useEffect } from 'react';

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/** Locks after `ms` without a key press, click or scroll in this window; Alt+Shift+L locks at once. */
export function useIdleLock(ms: number, lock: () => void): void {
  useEffect(() => {
    let last = Date.now();
    const touch = () => (last = Date.now());
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.shiftKey && e.key.toLowerCase() === 'l') {
        e.preventDefault();
        lock();
      }
    };
    for (const name of ACTIVITY) window.addEventListener(name, touch, { passive: true });
    window.addEventListener('keydown', onKey);
    const timer = window.setInterval(() => {
      if (Date.now() - last > ms) lock();
    }, 1_000);
    return () => {
      for (const name of ACTIVITY) window.removeEventListener(name, touch);
      window.removeEventListener('keydown', onKey);
      window.clearInterval(timer);
    };
  }, [ms, lock]);
}
