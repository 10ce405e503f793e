// The temporary token in Chromium against the demo: create, copy, test, hide; the end of
// validity with Playwright's fake clock; who sees it; a site without a signing key; axe.
import { expect, it } from 'vitest';
import { violations } from './support/axe';
import { eventually, useDemoInChromium, type TabPage } from './support/browser';

const ui = useDemoInChromium();
const JANE = 3;
const KIM = 5;

const tokenField = (tab: TabPage) => tab.panel.getByRole('textbox', { name: 'Temporary token', exact: true });
const tokenStatus = (tab: TabPage) => tab.panel.locator('.crm-apikey-token [role=status]');
const tokenAlert = (tab: TabPage) => tab.panel.locator('.crm-apikey-token [role=alert]');

/** Opens Temporary token, picks "Valid for", creates one, and returns it (remembered for the leak check). */
async function createToken(tab: TabPage, validFor: '15 minutes' | '1 hour' | '8 hours'): Promise<string> {
  await tab.button('Temporary token').click();
  await tab.panel.getByLabel('Valid for', { exact: true }).selectOption({ label: validFor });
  await tab.button('Create token').click();
  await tokenField(tab).waitFor();
  const jwt = await tokenField(tab).inputValue();
  tab.remember(jwt);
  return jwt;
}

async function setSigning(enabled: boolean): Promise<void> {
  const login = await fetch(new URL('/?user=admin', ui.control.url));
  await login.arrayBuffer();
  const cookie = /^([^=;]+=[0-9a-f]+)/.exec(login.headers.get('set-cookie') ?? '')![1];
  const response = await fetch(new URL('/demo/signing', ui.control.url), {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    body: JSON.stringify({ enabled }),
  });
  expect(response.status).toBe(200);
}

it('creates a token, copies it, tests it ("This token works") and hides it: one create, one authx call', async () => {
  await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui.control.url).origin });
  const tab = await ui.openTab('admin', JANE);
  await expect(tab.panel.innerText()).resolves.toContain('needs neither the site key nor a user account');
  await ui.control.resetRequests();

  const jwt = await createToken(tab, '1 hour');
  expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(await tab.isFocused(tokenField(tab))).toBe(true);
  const text = await tab.text();
  const until = /Valid until (\d{1,2}:\d{2}(?: [AP]M)?), in (?:59 min|1 h 0 min)\./.exec(text)?.[1];
  expect(until, text).toBeDefined();
  expect(text).toContain('Until then it cannot be revoked, not even by changing the key.');
  expect(await tab.panel.locator('.crm-apikey-token pre').innerText()).toContain(`X-Civi-Auth: Bearer ${jwt}`);

  await tab.button('Copy token').click();
  await eventually(() => tokenStatus(tab).innerText()).toBe('Token copied.');
  expect(await tab.page.evaluate(() => navigator.clipboard.readText())).toBe(jwt);

  await tab.button('Test token').click();
  await eventually(() => tokenStatus(tab).innerText()).toBe(`This token works: it authenticates as contact ${JANE} until ${until}.`);
  expect(await ui.control.requests()).toEqual({ 'AuthxCredential.create': 1, 'authx.id': 1 });

  await tab.button('Hide token').click();
  await eventually(() => tokenField(tab).count()).toBe(0);
  expect(await tokenStatus(tab).innerText()).toBe(`Token hidden. It still works until ${until}.`);
  expect(await tab.page.evaluate(() => document.documentElement.outerHTML)).not.toContain(jwt.split('.')[2]);
  expect(await tab.isFocused(tab.button('Temporary token'))).toBe(true);
});

it('ends at its exp on the fake clock: counts down, then the token is gone from the page', async () => {
  // Installed before the page loads, at the real time (so the server's exp applies), then moved.
  await ui.tab().page.clock.install();
  const tab = await ui.openTab('admin', JANE);
  const jwt = await createToken(tab, '15 minutes');
  await eventually(() => tab.text()).toMatch(/Valid until \d{1,2}:\d{2}(?: [AP]M)?, in 15 min\./);

  await tab.page.clock.fastForward('10:00');
  await eventually(() => tab.text()).toMatch(/in 5 min\./);
  await tab.page.clock.fastForward('04:40');
  await eventually(() => tab.text()).toContain('in 1 min.');
  await tab.page.clock.fastForward('00:30');

  await eventually(() => tokenStatus(tab).innerText()).toBe('The temporary token has ended.');
  expect(await tokenField(tab).count()).toBe(0);
  expect(await tab.page.evaluate(() => document.documentElement.outerHTML)).not.toContain(jwt.split('.')[2]);
  // A new one can be made at once.
  expect(await tab.button('Temporary token').isEnabled()).toBe(true);
});

it('a refused create says why, in words, and leaves nothing of it on screen', async () => {
  const tab = await ui.openTab('admin', JANE);
  await tab.armFault({ fault: '403', action: 'create' });
  await tab.button('Temporary token').click();
  await tab.button('Create token').click();
  await eventually(() => tokenAlert(tab).innerText()).toContain('No token was created. You do not have permission to do this.');
  expect(await tokenField(tab).count()).toBe(0);
  expect(await tab.text()).not.toContain('Valid until');
});

it('only for viewers with "generate any authx credential": not for Kim on her own tab', async () => {
  const tab = await ui.openTab('self', KIM);
  expect(await tab.button('Temporary token').count()).toBe(0);
  expect(await tab.text()).not.toContain('token');
});

it('a site without a signing key: the explanation, no button', async () => {
  await setSigning(false);
  try {
    const tab = await ui.openTab('admin', JANE);
    expect(await tab.button('Temporary token').count()).toBe(0);
    expect(await tab.text()).toContain('an administrator must add CIVICRM_SIGN_KEYS to civicrm.settings.php');
    expect(await violations(tab.page, ['#contact-apikey'])).toEqual([]);
  } finally {
    await setSigning(true);
  }
});

it('has no axe violations while choosing, and while a token is on screen', async () => {
  const tab = await ui.openTab('admin', JANE);
  await tab.button('Temporary token').click();
  expect(await violations(tab.page, ['#contact-apikey'])).toEqual([]);
  await tab.button('Temporary token').click();
  await createToken(tab, '8 hours');
  await eventually(() => tab.text()).toMatch(/in (7 h 59|8 h 0) min\./);
  expect(await violations(tab.page, ['#contact-apikey'])).toEqual([]);
});
