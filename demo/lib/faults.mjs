// Failures a real site produces now and then, armed per session for the next N APIv4 calls, so
// tests and humans can see how the tab copes without the tab sending anything special.

export const FAULTS = ['network', '403', '500', 'html', 'altered', 'slow', 'deleted', 'loggedout'];
export const DEFAULT_SLOW_DELAY_MS = 12_000;
const MAX_TIMES = 100;
const MAX_DELAY_MS = 120_000;

/**
 * @typedef {{fault: string, remaining: number, action: string | null, delayMs: number}} ArmedFault
 */

/**
 * @param {unknown} request
 * @returns {{ok: true, armed: ArmedFault} | {ok: false, message: string}}
 */
export function parseFaultRequest(request) {
  if (!request || typeof request !== 'object') return { ok: false, message: 'Send a JSON object like {"fault": "403", "times": 1}.' };
  const { fault, times = 1, action = null, delayMs = DEFAULT_SLOW_DELAY_MS } = /** @type {Record<string, unknown>} */ (request);
  if (typeof fault !== 'string' || !FAULTS.includes(fault)) return { ok: false, message: `"fault" must be one of ${FAULTS.join(', ')}.` };
  if (!Number.isInteger(times) || /** @type {number} */ (times) < 1 || /** @type {number} */ (times) > MAX_TIMES) {
    return { ok: false, message: `"times" must be an integer from 1 to ${MAX_TIMES}.` };
  }
  if (action !== null && (typeof action !== 'string' || !/^[A-Za-z]+$/.test(action))) return { ok: false, message: '"action" must be an APIv4 action name such as "update".' };
  if (!Number.isInteger(delayMs) || /** @type {number} */ (delayMs) < 0 || /** @type {number} */ (delayMs) > MAX_DELAY_MS) {
    return { ok: false, message: `"delayMs" must be an integer from 0 to ${MAX_DELAY_MS}.` };
  }
  // An altered value only exists where a key is written.
  const target = fault === 'altered' && action === null ? 'update' : action;
  return { ok: true, armed: { fault, remaining: /** @type {number} */ (times), action: /** @type {string | null} */ (target), delayMs: /** @type {number} */ (delayMs) } };
}

export class FaultBoard {
  constructor() {
    /** @type {Map<string, ArmedFault>} */
    this.bySession = new Map();
  }

  /**
   * @param {string} session
   * @param {ArmedFault} armed
   */
  arm(session, armed) {
    this.bySession.set(session, armed);
  }

  /** @param {string} session */
  disarm(session) {
    this.bySession.delete(session);
  }

  /**
   * The fault this call suffers, if any; counts it as used.
   * @param {string | null} session
   * @param {string} action
   */
  take(session, action) {
    if (session === null) return null;
    const armed = this.bySession.get(session);
    if (!armed || (armed.action !== null && armed.action !== action)) return null;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.bySession.delete(session);
    return armed;
  }
}

/**
 * A value that differs from the one sent, the way a misbehaving plugin or proxy might alter it.
 * @param {string | null} sent
 */
export function alteredApiKey(sent) {
  if (sent === null) return 'AlteredByTheServerAlteredByTheSe';
  const characters = [...sent];
  const last = characters.pop();
  return characters.join('') + (last === 'x' ? 'y' : 'x');
}
