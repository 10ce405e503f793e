// A stand-in for CiviCRM's APIv4 as the tab reaches it through crmApi4, answering the way the
// wire captures in ../shared/civicrm/wire show: what resolves (the `values` array) and what
// rejects (the parsed JSON body, or undefined when there was no JSON).

export type Permission = 'administer CiviCRM' | 'edit api keys' | 'edit own api keys';

export interface ApiCall {
  entity: string;
  action: string;
  params: Record<string, any>;
}

/** What the next call (of `action`, when given) answers instead of CiviCRM's normal behaviour. */
export type Fault = FaultKind & { action?: string };

type FaultKind =
  | { kind: 'unreachable' } // network failure or non-JSON body: crmApi4 rejects with undefined
  | { kind: 'status'; body: Record<string, unknown> }
  | { kind: 'altered'; storedAs: string } // the update stores and echoes another value
  | { kind: 'empty' } // HTTP 200, no records (logged out)
  | { kind: 'hold' }; // stays pending until release() is called

export const GENERIC_403 = {
  error_code: '1',
  error_message: 'Sorry an error occurred and your request was not completed. (Error ID: Mgeg-Yt85-EDx8)',
  status: 403,
};
export const GENERIC_500 = {
  error_code: 0,
  error_message: 'Sorry an error occurred and your request was not completed. (Error ID: 7h2K-q9Xe-LL3a)',
  status: 500,
};
export const CONTACT_MISSING_500 = { error_code: 0, error_message: 'Expected one Contact but found 0', status: 500 };

export class CiviDouble {
  readonly calls: ApiCall[] = [];
  readonly keys = new Map<number, string | null>([
    [2, 'adminkeyadminkeyadminkeyadminkey'],
    [3, null],
    [4, null],
    [5, null],
  ]);
  readonly names = new Map<number, string>([
    [2, 'Standalone Admin'],
    [3, 'Jane Doe'],
    [4, 'Sam Staffer'],
    [5, 'Kim Selfkey'],
  ]);
  /** Newest "API Key Changed" activity per contact, as the overview's query reports it. */
  readonly lastChanged = new Map<number, string>();
  /** Contacts in the trash: Contact.get hides them unless the where names is_deleted or asks for an id (wire 36, 37). */
  readonly trashed = new Set<number>();
  /** ApiKeyRecord.setExpiry: the end each contact's key was given (raw), as the server answers it. */
  readonly expiries = new Map<number, string | null>();
  /** The site's now for setExpiry's "in N days" (the tab's site-time in the tests says the same). */
  siteNow = '2026-12-01 08:30:00';
  /** Last use per contact (ApiKeyRecord.last_used_date / last_used_ip), as the overview's join reads it. */
  readonly lastUsed = new Map<number, { date: string; ip: string | null }>();
  /** Contacts whose key has no ApiKeyRecord row (older than the extension): the join answers null for all of key_record. */
  readonly unrecorded = new Set<number>();
  loggedInContactId = 2;
  permissions = new Set<Permission>(['administer CiviCRM']);
  private faults: Fault[] = [];
  private held: Array<() => void> = [];

  /** Queues faults for the next calls, in order. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Lets every held call go on to its normal answer. */
  release(): void {
    const held = this.held.splice(0);
    held.forEach((go) => go());
  }

  get writes(): ApiCall[] {
    return this.calls.filter((call) => call.action === 'update');
  }

  handle(entity: string, action: string, params: Record<string, any> = {}): Promise<any> {
    // Deep copy: the caller must not be able to change what was recorded as sent.
    this.calls.push({ entity, action, params: JSON.parse(JSON.stringify(params)) });
    const index = this.faults.findIndex((queued) => !queued.action || queued.action === action);
    const fault = index < 0 ? undefined : this.faults.splice(index, 1)[0];
    if (fault?.kind === 'hold') {
      return new Promise<void>((resolve) => this.held.push(resolve)).then(() => this.answer(entity, action, params, undefined));
    }
    return Promise.resolve().then(() => this.answer(entity, action, params, fault));
  }

  private get canReadKeys(): boolean {
    return this.permissions.has('administer CiviCRM') || this.permissions.has('edit api keys');
  }

  private answer(entity: string, action: string, params: Record<string, any>, fault: Fault | undefined): any {
    if (fault?.kind === 'unreachable') throw undefined;
    if (fault?.kind === 'status') throw fault.body;
    if (fault?.kind === 'empty') return withCounts([]);
    if (entity === 'ApiKeyRecord' && action === 'setExpiry') return this.setExpiry(params);
    if (entity !== 'Contact') throw GENERIC_500;
    if (action === 'get') return this.get(params);
    if (action === 'update') return this.update(params, fault?.kind === 'altered' ? fault.storedAs : undefined);
    throw GENERIC_500;
  }

  private get(params: Record<string, any>): any {
    const where: any[] = params.where ?? [];
    let ids = [...this.keys.keys()].sort((a, b) => this.nameOf(a).localeCompare(this.nameOf(b)) || a - b);
    const namesTrash = where.some(([field, op]) => field === 'is_deleted' || (field === 'id' && (op === '=' || op === 'IN')));
    if (!namesTrash) ids = ids.filter((id) => !this.trashed.has(id));
    for (const [field, op, value] of where) {
      // CiviCRM drops a condition on a field the viewer may not read, without an error.
      if (field === 'api_key' && !this.canReadKeys) continue;
      ids = ids.filter((id) => {
        const actual = field === 'id' ? id : field === 'api_key' ? this.keys.get(id) : field === 'is_deleted' ? this.trashed.has(id) : undefined;
        if (op === 'IS NOT EMPTY') return actual !== null && actual !== undefined && actual !== '';
        if (op === 'IN') return Array.isArray(value) && value.includes(actual);
        return op === '=' ? actual === value : op === '!=' ? actual !== value : false;
      });
    }
    // The overview's "longest unused first": MySQL puts NULL first in ASC, then the name order.
    if (params.orderBy?.['key_record.last_used_date'] === 'ASC') {
      const used = (id: number) => this.lastUsed.get(id)?.date ?? '';
      ids = [...ids].sort((a, b) => used(a).localeCompare(used(b)));
    }
    ids = ids.slice(params.offset ?? 0, params.limit ? (params.offset ?? 0) + params.limit : undefined);
    const select: string[] = params.select ?? [];
    return withCounts(
      ids.map((id) => {
        const record: Record<string, unknown> = { id };
        const key = this.keys.get(id) ?? null;
        if (select.includes('display_name')) record.display_name = this.nameOf(id);
        if (select.includes('is_deleted')) record.is_deleted = this.trashed.has(id);
        if (select.includes('api_key') && this.canReadKeys) record.api_key = key;
        // The overview's one query: the database works out the last 4 characters and the newest change.
        if (select.includes('RIGHT(api_key, 4) AS key_hint') && this.canReadKeys) record.key_hint = key && key.slice(-4);
        if (select.includes('MAX(activity.activity_date_time) AS last_changed')) record.last_changed = this.lastChanged.get(id) ?? null;
        // The LEFT JOIN of ApiKeyRecord AS key_record: null where the contact has no record.
        if (select.includes('key_record.id')) record['key_record.id'] = this.unrecorded.has(id) ? null : 1000 + id;
        if (select.includes('key_record.last_used_date')) record['key_record.last_used_date'] = this.lastUsed.get(id)?.date ?? null;
        if (select.includes('key_record.last_used_ip')) record['key_record.last_used_ip'] = this.lastUsed.get(id)?.ip ?? null;
        if (select.includes('key_record.expires_date')) record['key_record.expires_date'] = this.expiries.get(id) ?? null;
        return record;
      }),
    );
  }

  /** As Civi/ApiKeyTab/Lifecycle/Policy.php: N days from now, the end of a day, or never. */
  private setExpiry(params: Record<string, any>): any {
    const id = params.contactId;
    if (!this.keys.get(id)) throw GENERIC_500;
    let expires: string | null = null;
    if (params.expiresIn) {
      const at = new Date(`${this.siteNow.replace(' ', 'T')}Z`).getTime() + params.expiresIn * 86_400_000;
      expires = new Date(at).toISOString().slice(0, 19).replace('T', ' ');
    } else if (params.expiresOn) {
      expires = `${params.expiresOn} 23:59:59`;
    }
    this.expiries.set(id, expires);
    return withCounts([{ contact_id: id, expires_date: expires }]);
  }

  private nameOf(id: number): string {
    return this.names.get(id) ?? `Contact ${id}`;
  }

  private update(params: Record<string, any>, storedAs: string | undefined): any {
    const id = params.where?.[0]?.[2];
    if (!this.keys.has(id)) throw CONTACT_MISSING_500;
    if ('api_key' in (params.values ?? {})) {
      const mayWrite =
        this.canReadKeys || (this.permissions.has('edit own api keys') && id === this.loggedInContactId);
      if (!mayWrite) throw GENERIC_403;
      const sent: string | null = params.values.api_key;
      // CiviCRM keeps 32 characters at most: 29 and an ellipsis, with HTTP 200 (wire 07, 09).
      const stored = storedAs ?? (sent === null || sent === '' ? null : sent.length > 32 ? `${sent.slice(0, 29)}...` : sent);
      this.keys.set(id, stored);
    }
    return withCounts([{ id, contact_type: 'Individual', display_name: this.nameOf(id), api_key: this.keys.get(id) ?? null }]);
  }
}

function withCounts(values: any[]): any[] {
  return Object.assign(values, { count: values.length, countFetched: values.length });
}
