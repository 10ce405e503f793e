// The demo keeps the audit trail the extension's KeyAudit keeps: every key change it makes, through
// Contact.update or /demo/set-key, records one activity with the same subjects and source, stored
// in the data file, and never any part of a key.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyChangeSubject } from '../../demo/lib/store.mjs';
import { api4, control, type InProcessDemo, logIn, useInProcessDemo } from './support/demoClient';

const KEY = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
const OTHER_KEY = 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5lX9c';
const LONG_KEY = 'Lg7hT2kW9pQ4rZ1mN6vB3xC8yF5jD0sAe';

let demo: InProcessDemo;
let admin: string;

useInProcessDemo((started) => ({ demo, admin } = started), { fresh: 'each' });

interface StoredActivity {
  id: number;
  subject: string;
  date: string;
  sourceContactId: number;
  targetContactId: number;
}

// Every write is on disk before its request is answered, so the file is the truth here.
const activities = (): StoredActivity[] => JSON.parse(readFileSync(demo.dataFile, 'utf8')).activities;
const subjects = () => activities().map((activity) => activity.subject);

async function setKey(cid: number, apiKey: string | null, cookie = admin) {
  const answer = await api4(demo, 'Contact', 'update', { where: [['id', '=', cid]], values: { api_key: apiKey } }, { cookie });
  expect(answer.status).toBe(200);
}

describe('the subject of a change', () => {
  it.each([
    [null, 'k', 'API key generated'],
    ['', 'k', 'API key generated'],
    ['k', 'l', 'API key replaced'],
    ['k', null, 'API key revoked'],
    ['k', '', 'API key revoked'],
    ['k', 'k', null],
    [null, null, null],
    ['', null, null],
  ])('%j to %j: %j', (before, after, subject) => {
    expect(keyChangeSubject(before, after)).toBe(subject);
  });
});

describe('Contact.update records', () => {
  it('generated, replaced, nothing for the same key, revoked, nothing for a second revoke', async () => {
    await setKey(3, KEY);
    await setKey(3, OTHER_KEY);
    await setKey(3, OTHER_KEY);
    await setKey(3, null);
    await setKey(3, '');
    expect(subjects()).toEqual(['API key generated', 'API key replaced', 'API key revoked']);
    expect(activities().every((activity) => activity.targetContactId === 3 && activity.sourceContactId === 2)).toBe(true);
    expect(activities().map((activity) => activity.id)).toEqual([1, 2, 3]);
    expect(activities()[0].date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it("'' revokes like null", async () => {
    await setKey(3, KEY);
    await setKey(3, '');
    expect(subjects()).toEqual(['API key generated', 'API key revoked']);
  });

  it('judges a 33-character key by the 29 + "..." saved: sending it again changes nothing', async () => {
    await setKey(3, LONG_KEY);
    await setKey(3, LONG_KEY);
    await setKey(3, KEY);
    expect(subjects()).toEqual(['API key generated', 'API key replaced']);
  });

  it('names the self-service user as the source of a change to their own key', async () => {
    const self = await logIn(demo, 'self');
    await setKey(5, KEY, self);
    expect(activities()).toEqual([expect.objectContaining({ subject: 'API key generated', sourceContactId: 5, targetContactId: 5 })]);
  });

  it('records nothing for a refused change', async () => {
    const staff = await logIn(demo, 'staff');
    const answer = await api4(demo, 'Contact', 'update', { where: [['id', '=', 3]], values: { api_key: KEY } }, { cookie: staff });
    expect(answer.status).toBe(403);
    expect(activities()).toEqual([]);
  });

  it('records nothing for an update of other fields', async () => {
    await setKey(3, KEY);
    await api4(demo, 'Contact', 'update', { where: [['id', '=', 3]], values: { first_name: 'Janet' } }, { cookie: admin });
    expect(subjects()).toEqual(['API key generated']);
  });

  it('never stores any part of a key with an activity', async () => {
    for (const key of [KEY, OTHER_KEY, LONG_KEY, null]) await setKey(3, key);
    const stored = JSON.stringify(activities());
    for (const key of [KEY, OTHER_KEY, LONG_KEY]) {
      for (let start = 0; start + 4 <= key.length; start += 1) expect(stored).not.toContain(key.slice(start, start + 4));
    }
  });
});

describe('/demo/set-key records', () => {
  it('the same transitions, by the administrator', async () => {
    for (const key of [KEY, KEY, OTHER_KEY, null]) {
      expect((await control(demo, 'POST', '/demo/set-key', { cid: 4, api_key: key }, admin)).status).toBe(200);
    }
    expect(activities().map(({ subject, sourceContactId, targetContactId }) => [subject, sourceContactId, targetContactId])).toEqual([
      ['API key generated', 2, 4],
      ['API key replaced', 2, 4],
      ['API key revoked', 2, 4],
    ]);
  });
});

describe('the data file', () => {
  it('keeps the activities across a restart, and numbering goes on', async () => {
    await setKey(3, KEY);
    await demo.restart();
    await setKey(3, null);
    expect(subjects()).toEqual(['API key generated', 'API key revoked']);
    expect(activities().map((activity) => activity.id)).toEqual([1, 2]);
  });
});
