// Progress of a seed: the numbers people want while a big server fills (done of total, the
// rate, the time left), from `"seeding": {"done", "total"}` samples of `GET /api/servers/{id}`.

import { formatInt } from './dom.js';

function seconds(ms) {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** Resources a seed spec asks for. */
export function seedTotal(seed) {
  return ['users', 'groups', 'entitlements', 'roles'].reduce((sum, k) => sum + (Number(seed[k]) || 0), 0);
}

/** "12,345 of 100,000 · 4,100/s · about 21 s left" from a sample taken `elapsedMs` after the start. */
export function progressLine(done, total, elapsedMs) {
  const parts = [`${formatInt(done)} of ${formatInt(total)}`];
  if (elapsedMs > 0 && done > 0) {
    const rate = done / (elapsedMs / 1000);
    parts.push(`${formatInt(Math.round(rate))}/s`);
    if (total > done) parts.push(`about ${seconds(((total - done) / rate) * 1000)} left`);
  }
  return parts.join(' · ');
}

/** "100,000 resources in 24.1 s (4,150/s)"; the rate only when it says something (a second or more, 1/s or more). */
export function doneLine(total, elapsedMs) {
  const perSecond = elapsedMs > 0 ? total / (elapsedMs / 1000) : 0;
  const rate = elapsedMs >= 1000 && perSecond >= 1 ? ` (${formatInt(Math.round(perSecond))}/s)` : '';
  return `${formatInt(total)} resource${total === 1 ? '' : 's'} in ${seconds(elapsedMs)}${rate}`;
}

/** "Creating… 3.2 s": what shows while the create call has not answered yet. */
export function waitingLine(elapsedMs) {
  return `working… ${seconds(elapsedMs)}`;
}
