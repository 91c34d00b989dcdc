/**
 * Waits until `condition` holds, checking after every turn of the event loop and at most every 10 ms; fails with
 * `what` if it does not hold within `timeoutMs` (a safety net for a broken implementation, not a timing assertion).
 */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
