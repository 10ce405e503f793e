// usage: listKeyHolders(crmApi4, offset, pageSize).then(({rows, hasNextPage}) => ...)
//
// One Contact.get per page of the overview. It asks for one row more than a page to learn
// whether a next page exists, so sites with thousands of keys never count them all. The key
// itself never travels: only its last 4 characters, worked out by the database.
import { ApiKeyError, rethrow } from '../shared/failures';

export interface KeyHolder {
  id: number;
  name: string;
  hint: string;
  lastChanged: string | null;
  /** The contact is in the trash; its key still authenticates (wire 35). */
  inTrash: boolean;
  /** The contact has a row in the key table; false: its key is older than the extension (or was set around it), so no use was recorded. */
  recorded: boolean;
  /** From the key's ApiKeyRecord (null: never used, no end, or no record yet); raw site-local dates. */
  lastUsed: string | null;
  lastUsedIp: string | null;
  expires: string | null;
}

/** The overview's orders: by name, or the longest-unused keys first (never used first of all). */
export type KeyHolderOrder = 'name' | 'unused';

export interface KeyHolderPage {
  rows: KeyHolder[];
  hasNextPage: boolean;
}

/** The one Contact.get of a page; exported so the demo's tests answer exactly what the page asks. */
export function keyHolderQuery(offset: number, pageSize: number, order: KeyHolderOrder = 'name') {
  return {
    select: [
      'id',
      'display_name',
      'is_deleted',
      'RIGHT(api_key, 4) AS key_hint',
      'MAX(activity.activity_date_time) AS last_changed',
      // Null without a row: then "not recorded", not "Never used".
      'key_record.id',
      'key_record.last_used_date',
      'key_record.last_used_ip',
      'key_record.expires_date',
    ],
    join: [
      [
        'Activity AS activity',
        'LEFT',
        'ActivityContact',
        ['activity.record_type_id:name', '=', '"Activity Targets"'],
        ['activity.activity_type_id:name', '=', '"apikeytab_key_changed"'],
      ],
      // One record per contact (contact_id is unique), so the grouping by id is unchanged.
      ['ApiKeyRecord AS key_record', 'LEFT', ['id', '=', 'key_record.contact_id']],
    ],
    // Trashed contacts too: Contact.get hides them unless the where names is_deleted (wire 36, 37).
    where: [['api_key', 'IS NOT EMPTY'], ['is_deleted', 'IN', [false, true]]],
    groupBy: ['id'],
    // MySQL sorts NULL first in ASC: never used (or not recorded) comes first of all.
    orderBy: order === 'unused' ? { 'key_record.last_used_date': 'ASC', sort_name: 'ASC', id: 'ASC' } : { sort_name: 'ASC', id: 'ASC' },
    limit: pageSize + 1,
    offset,
  };
}

export function listKeyHolders(crmApi4: CrmApi4, offset: number, pageSize: number, order: KeyHolderOrder = 'name'): angular.IPromise<KeyHolderPage> {
  return crmApi4('Contact', 'get', keyHolderQuery(offset, pageSize, order)).then(
    (values) => {
      if (!Array.isArray(values)) throw new ApiKeyError('malformed');
      const rows = values.slice(0, pageSize).map((record): KeyHolder => {
        if (record === null || typeof record !== 'object' || !Number.isInteger(record.id)) throw new ApiKeyError('malformed');
        // CiviCRM drops both the filter and RIGHT(api_key, 4) for a viewer who may not read keys
        // and lists every contact: a row without the hint means "not allowed", never "has a key".
        if (!('key_hint' in record)) throw new ApiKeyError('cannotRead');
        return {
          id: record.id,
          name: String(record.display_name ?? ''),
          hint: String(record.key_hint ?? ''),
          lastChanged: typeof record.last_changed === 'string' ? record.last_changed : null,
          inTrash: record.is_deleted === true,
          recorded: record['key_record.id'] !== null && record['key_record.id'] !== undefined,
          lastUsed: text(record['key_record.last_used_date']),
          lastUsedIp: text(record['key_record.last_used_ip']),
          expires: text(record['key_record.expires_date']),
        };
      });
      return { rows, hasNextPage: values.length > pageSize };
    },
    rethrow,
  );
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
