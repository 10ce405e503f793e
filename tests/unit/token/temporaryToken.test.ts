// The Temporary token part of the tab (issue 14): who sees it, one AuthxCredential.create per
// click, the token shown once with its end, and gone once hidden or ended.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { GENERIC_403, GENERIC_500 } from '../support/civiDouble';
import { mountTab } from '../support/mount';
import { PAGE_MADE_AT, TokenDouble, controllerState, fakeJwt, mountWithToken, tokenController, type TokenTab } from './support';

let tab: TokenTab;
let consoleSpies: MockInstance[];

beforeEach(() => {
  // Only Date: AngularJS's timers are ngMock's, and the helpers' settling needs real setTimeout.
  vi.useFakeTimers({ toFake: ['Date'], now: PAGE_MADE_AT });
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
});

afterEach(() => {
  tab?.destroy();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The token appears nowhere but in its field while shown, and nowhere at all once gone. */
function expectNoTrace(jwt: string) {
  expect(tab.element.outerHTML).not.toContain(jwt);
  expect(tab.element.outerHTML).not.toContain(jwt.split('.')[2]);
  for (const spy of consoleSpies) expect(JSON.stringify(spy.mock.calls)).not.toContain(jwt);
}

describe('who sees it', () => {
  it('without the binding (1.0 page) or with null (no "generate any authx credential"): no Temporary token at all', async () => {
    tab = await mountWithToken(null);
    expect(tab.buttons()).not.toContain('Temporary token');
    expect(tab.text()).not.toContain('token');
    tab.destroy();
    tab = (await mountTab({ contactId: 3 })) as TokenTab;
    expect(tab.buttons()).not.toContain('Temporary token');
  });

  it('a site without CIVICRM_SIGN_KEYS: an explanation instead of the button', async () => {
    tab = await mountWithToken({ signing: false });
    expect(tab.buttons()).not.toContain('Temporary token');
    expect(tab.tokenText()).toContain('This site has no signing key');
    expect(tab.tokenText()).toContain('add CIVICRM_SIGN_KEYS to civicrm.settings.php');
  });

  it('with signing: the button, saying it works without the site key; it opens "Valid for" and Create token', async () => {
    tab = await mountWithToken({ signing: true });
    expect(tab.buttons()).toContain('Temporary token');
    expect(tab.tokenText()).toContain('needs neither the site key nor a user account');
    expect(tab.buttons()).not.toContain('Create token');
    expect(tab.button('Temporary token').getAttribute('aria-expanded')).toBe('false');
    await tab.click('Temporary token');
    expect(tab.button('Temporary token').getAttribute('aria-expanded')).toBe('true');
    const select = tab.field('Valid for') as unknown as HTMLSelectElement;
    expect([...select.options].map((option) => option.textContent)).toEqual(['15 minutes', '1 hour', '8 hours']);
    expect(select.value).toBe('3600');
    expect(tab.buttons()).toContain('Create token');
    expect(tab.civi.calls).toEqual([]);
  });
});

describe('Create token', () => {
  it.each([
    [900, 'in 15 min'],
    [3600, 'in 1 h 0 min'],
    [28800, 'in 8 h 0 min'],
  ] as const)('ttl %i: one AuthxCredential.create for this contact, the token shown in full, "%s"', async (ttl, relative) => {
    tab = await mountWithToken({ signing: true });
    await tab.create(ttl);
    expect(tab.civi.creates).toEqual([{ entity: 'AuthxCredential', action: 'create', params: { contactId: 3, ttl } }]);
    const [jwt] = tab.civi.issued;
    expect(tab.tokenField()?.value).toBe(jwt);
    expect(tab.tokenText()).toContain(`Valid until ${ttl === 28800 ? '21:35' : ttl === 900 ? '13:50' : '14:35'}, ${relative}.`);
    expect(tab.tokenText()).toContain('Until then it cannot be revoked, not even by changing the key.');
    expect(tab.tokenStatus()).toBe('Token created. Copy it now: it is shown only once.');
    expect(document.activeElement).toBe(tab.tokenField());
    expect(tab.buttons()).toEqual(expect.arrayContaining(['Copy token', 'Test token', 'Hide token']));
    // One token at a time: no second Create while one is on screen.
    expect(tab.buttons()).not.toContain('Temporary token');
  });

  it('the usage example carries the token in X-Civi-Auth', async () => {
    tab = await mountWithToken({ signing: true });
    await tab.create();
    const example = tab.element.querySelector('.crm-apikey-token pre')?.textContent ?? '';
    expect(example).toContain(`-H 'X-Civi-Auth: Bearer ${tab.civi.issued[0]}'`);
    expect(example).toContain('/civicrm/ajax/api4/Contact/get');
  });

  it('busy while waiting: a second click sends nothing more', async () => {
    tab = await mountWithToken({ signing: true });
    tab.civi.hold();
    await tab.click('Temporary token');
    tab.button('Create token').click();
    tab.button('Create token').click();
    await tab.settle();
    expect(tab.button('Create token').disabled).toBe(true);
    expect(tab.tokenStatus()).toBe('Creating the token…');
    tab.civi.releaseTokens();
    await tab.settle();
    expect(tab.civi.creates).toHaveLength(1);
    expect(tab.tokenField()?.value).toBe(tab.civi.issued[0]);
  });

  it('the end comes from the exp claim, not from the time asked for', async () => {
    const civi = new TokenDouble();
    tab = await mountWithToken({ signing: true }, civi);
    // A server that issued 10 minutes whatever was asked: the page says what authx will enforce.
    civi.answerNext = [{ cred: `Bearer ${fakeJwt(3, PAGE_MADE_AT.getTime() / 1000 + 600)}` }];
    await tab.create(3600);
    expect(tab.tokenText()).toContain('Valid until 13:45, in 10 min.');
  });
});

describe('the countdown and the end', () => {
  it('counts down, then at exp the token is gone from the page and the controller', async () => {
    tab = await mountWithToken({ signing: true });
    await tab.create(900);
    const [jwt] = tab.civi.issued;
    // Minutes counted up: a fresh 15-minute token says 15, its last minute 1.
    expect(tab.tokenText()).toContain('Valid until 13:50, in 15 min.');
    await tab.elapse(1000);
    expect(tab.tokenText()).toContain('Valid until 13:50, in 15 min.');
    await tab.elapse(13 * 60_000);
    expect(tab.tokenText()).toContain('in 2 min.');
    await tab.elapse(60_000);
    expect(tab.tokenText()).toContain('in 1 min.');
    await tab.elapse(58_999);
    expect(tab.tokenText()).toContain('in 1 min.');
    expect(tab.tokenField()?.value).toBe(jwt);
    // exp itself is the end: authx refuses a token whose exp is now (firebase/php-jwt: now >= exp).
    await tab.elapse(1);
    expect(tab.tokenField()).toBeNull();
    expect(tab.tokenStatus()).toBe('The temporary token has ended.');
    expect(tab.buttons()).toContain('Temporary token');
    expect(tokenController(tab).jwt).toBeNull();
    expect(controllerState(tab)).not.toContain(jwt);
    expectNoTrace(jwt);
    // The countdown stopped: nothing changes any more.
    await tab.elapse(60_000);
    expect(tab.tokenStatus()).toBe('The temporary token has ended.');
  });

  it('the countdown runs no page-wide digest while the text shown stays the same: one when it changes, one at the end', async () => {
    tab = await mountWithToken({ signing: true });
    await tab.create(900);
    const $rootScope: angular.IRootScopeService = tokenController(tab).$scope.$root;
    let digests = 0;
    $rootScope.$watch(() => {
      digests++;
    });
    // 59 ticks of "in 15 min".
    await tab.elapse(59_000);
    expect(digests).toBe(0);
    await tab.elapse(1000);
    expect(digests).toBeGreaterThan(0);
    expect(tab.tokenText()).toContain('Valid until 13:50, in 14 min.');
    digests = 0;
    await tab.elapse(59_000);
    expect(digests).toBe(0);
    await tab.elapse(13 * 60_000 + 1000);
    expect(tab.tokenField()).toBeNull();
    expect(tab.tokenStatus()).toBe('The temporary token has ended.');
  });

  it('a site clock without a page time falls back to the browser clock and still ends on time', async () => {
    tab = await mountWithToken({ signing: true }, new TokenDouble(), null);
    await tab.create(900);
    expect(tab.tokenText()).toMatch(/Valid until \d\d:\d\d, in 15 min\./);
    await tab.elapse(900_000);
    expect(tab.tokenField()).toBeNull();
  });
});

describe('Hide token', () => {
  it('removes the token from the page and from memory; the status says it still works until its end', async () => {
    tab = await mountWithToken({ signing: true });
    await tab.create();
    const [jwt] = tab.civi.issued;
    await tab.click('Hide token');
    expect(tab.tokenField()).toBeNull();
    expect(tab.tokenStatus()).toBe('Token hidden. It still works until 14:35.');
    expect(document.activeElement).toBe(tab.button('Temporary token'));
    expect(controllerState(tab)).not.toContain(jwt);
    expectNoTrace(jwt);
    expect(tab.civi.creates).toHaveLength(1);
  });

  it('leaving the page (scope destroyed) stops the countdown', async () => {
    tab = await mountWithToken({ signing: true });
    await tab.create();
    const { $interval } = tokenController(tab);
    const cancel = vi.spyOn($interval, 'cancel');
    tab.destroy();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(cancel.mock.results[0].value).toBe(true);
  });
});

describe('failures, in plain words, leaving nothing behind', () => {
  it.each([
    ['no permission (generic 403, wire 45)', GENERIC_403, 'You do not have permission to do this.'],
    [
      'no signing key, as a debug user sees it',
      { error_code: 0, error_message: 'Failed to find key by ID or tag (SIGN)', status: 500 },
      'If the site has no signing key, an administrator must add CIVICRM_SIGN_KEYS to civicrm.settings.php.',
    ],
    // The page knows the site signs (token.signing true): a generic 500 is a plain server failure.
    ['a generic 500 on a site with a signing key', GENERIC_500, 'The server failed. Try again, or ask an administrator to check the CiviCRM log.'],
    ['server unreachable, or an answer that is not JSON', undefined, 'No answer from the server. Try again.'],
    ['logged out (HTTP 200, empty values), as the key actions say it', [], 'Your session may have expired. Reload the page.'],
  ])('%s', async (_name, rejection, message) => {
    tab = await mountWithToken({ signing: true });
    if (Array.isArray(rejection)) tab.civi.answerNext = rejection;
    else tab.civi.rejections.push(rejection);
    await tab.create();
    expect(tab.tokenAlert()).toContain('No token was created.');
    expect(tab.tokenAlert()).toContain(message);
    if (message !== 'If the site has no signing key, an administrator must add CIVICRM_SIGN_KEYS to civicrm.settings.php.') expect(tab.tokenAlert()).not.toContain('CIVICRM_SIGN_KEYS');
    expect(tab.tokenAlert()).not.toContain('Error ID');
    expect(tab.tokenField()).toBeNull();
    expect(tab.tokenText()).not.toContain('Valid until');
    // Create token is where the user retries.
    expect(document.activeElement).toBe(tab.button('Create token'));
    // The same button tries again, and a success clears the message.
    await tab.create();
    expect(tab.tokenAlert()).toBe('');
    expect(tab.tokenField()?.value).toBe(tab.civi.issued[0]);
  });

  it('an answer without a Bearer JWT is no token', async () => {
    tab = await mountWithToken({ signing: true });
    tab.civi.answerNext = [{ cred: 'Bearer not-a-jwt' }];
    await tab.create();
    expect(tab.tokenAlert()).toContain('No token was created.');
    expect(tab.tokenField()).toBeNull();
  });
});

describe('Copy token and Test token', () => {
  it('Copy token puts the token on the clipboard', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    tab = await mountWithToken({ signing: true });
    await tab.create();
    await tab.click('Copy token');
    expect(writeText).toHaveBeenCalledWith(tab.civi.issued[0]);
    expect(tab.tokenStatus()).toBe('Token copied.');
  });

  it('a refused clipboard: the token is selected to copy by hand', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    tab = await mountWithToken({ signing: true });
    await tab.create();
    await tab.click('Copy token');
    expect(tab.tokenStatus()).toBe('Copying was refused. The token is selected: press Ctrl+C.');
    expect(document.activeElement).toBe(tab.tokenField());
  });

  function authx(status: number, body: string) {
    const fetch = vi.fn((_url: string, _init: RequestInit) => Promise.resolve(new Response(body, { status })));
    vi.stubGlobal('fetch', fetch);
    return fetch;
  }

  it('Test token asks authx without cookies; cred "jwt" for this contact works', async () => {
    const fetch = authx(200, '{"contact_id":3,"user_id":null,"flow":"xheader","cred":"jwt"}');
    tab = await mountWithToken({ signing: true });
    await tab.create();
    await tab.click('Test token');
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toMatch(/\/civicrm\/authx\/id$/);
    expect(url).not.toContain(tab.civi.issued[0]);
    expect(init.credentials).toBe('omit');
    expect(init.headers).toEqual({ 'X-Civi-Auth': `Bearer ${tab.civi.issued[0]}` });
    expect(tab.tokenStatus()).toBe('This token works: it authenticates as contact 3 until 14:35.');
    expect(document.activeElement).toBe(tab.button('Test token'));
  });

  it.each([
    [200, '{"contact_id":3,"user_id":null,"flow":"xheader","cred":"api_key"}', 'Unexpected answer (HTTP 200)'],
    [200, '{"contact_id":2,"user_id":1,"flow":"xheader","cred":"jwt"}', 'Unexpected answer (HTTP 200)'],
    [401, 'HTTP 401 Invalid credential', 'signing key may have changed'],
    [500, '<html>', 'Unexpected answer (HTTP 500)'],
  ])('HTTP %i %s is never success', async (status, body, message) => {
    authx(status, body);
    tab = await mountWithToken({ signing: true });
    await tab.create();
    await tab.click('Test token');
    expect(tab.tokenAlert()).toContain('The token does not work.');
    expect(tab.tokenAlert()).toContain(message);
    expect(tab.tokenStatus()).not.toContain('works');
  });

  it('authx says "Expired token": the token is over, whatever the countdown said', async () => {
    authx(401, 'HTTP 401 Expired token');
    tab = await mountWithToken({ signing: true });
    await tab.create();
    const [jwt] = tab.civi.issued;
    await tab.click('Test token');
    expect(tab.tokenAlert()).toContain('It has expired.');
    expect(tab.tokenField()).toBeNull();
    expectNoTrace(jwt);
  });

  it('no answer at all', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    tab = await mountWithToken({ signing: true });
    await tab.create();
    await tab.click('Test token');
    expect(tab.tokenAlert()).toContain('No answer from the server. Try again.');
    expect(tab.tokenField()?.value).toBe(tab.civi.issued[0]);
  });
});

describe('leaks', () => {
  it('create, copy, test and hide write the token to no console, storage or URL', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: () => Promise.resolve() } });
    const fetch = vi.fn((_url: string, _init: RequestInit) => Promise.resolve(new Response('{"contact_id":3,"cred":"jwt"}', { status: 200 })));
    vi.stubGlobal('fetch', fetch);
    tab = await mountWithToken({ signing: true });
    await tab.create();
    const [jwt] = tab.civi.issued;
    await tab.click('Copy token');
    await tab.click('Test token');
    await tab.click('Hide token');
    expectNoTrace(jwt);
    expect(JSON.stringify({ ...localStorage })).not.toContain(jwt);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(jwt);
    expect(window.location.href).not.toContain(jwt);
    expect(fetch.mock.calls.map(([url]) => url).join()).not.toContain(jwt);
  });
});
