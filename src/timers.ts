/** Waits that follow an attempt's AbortSignal, and the backoff between result requests. */

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * The next task, for the PG window: a user-blocking task where the browser schedules by priority (it runs
 * before the page's ordinary tasks, such as the finished request's clean-up), else a timer. Rejects when
 * `signal` aborts.
 */
export function nextTask(signal: AbortSignal): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { postTask?(task: () => void, options: object): Promise<void> } }).scheduler;
  return scheduler?.postTask ? scheduler.postTask(() => {}, { priority: 'user-blocking', signal }) : sleep(0, signal);
}

/** The waits between result requests: quick at first, then every 3 s. */
export function backoff(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 3000);
}
