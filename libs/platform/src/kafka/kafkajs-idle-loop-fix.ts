/**
 * kafkajs 2.2.4 keeps every broker connection's request queue in a 1 ms timer loop once it
 * has had one answer (kafkajs issues #1556, #1704; fix proposed in PR #1667, never released):
 * `scheduleCheckPendingRequests` re-arms a timer even when nothing is pending, with a negative
 * delay (`throttledUntil` starts at -1), and the timer calls it again. Measured here: a service
 * with no traffic woke ~1,600 times a second and used ~5 % of a core; under load the same
 * wake-ups cut into the event loop between I/O.
 *
 * The replacement arms the timer only when requests are waiting (for the broker's throttle to
 * end, or for an in-flight slot). Nothing else needs it: `push` re-checks when it queues a
 * request and every answer or timeout re-checks the queue.
 */

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs' own retry interval while requests wait and no throttle end is known. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
const PATCHED = Symbol.for('ddp.kafkajs.idleLoopFix');

function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

/** Installs the fix once per process (kafka-client.ts calls it before any connection exists). */
export function fixKafkajsIdleLoop(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs exports no types for its internals
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals & { [PATCHED]?: true } };
  if (RequestQueue.prototype[PATCHED]) return;
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  RequestQueue.prototype[PATCHED] = true;
}
