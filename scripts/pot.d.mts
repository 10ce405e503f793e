// Types for the tests of the string extraction (the module itself is plain JavaScript).
export interface Call {
  file: string;
  line: number;
  msgid: string | null;
}
export const POT: string;
export const DOMAIN: string;
export function callsInTypeScript(file: string, text: string): Call[];
export function callsInPartial(file: string, text: string): Call[];
export function callsInPhp(file: string, text: string, root?: string): Call[];
export function callsInSmarty(file: string, text: string): Call[];
export function scannedFiles(root?: string): [string, (file: string, text: string, root: string) => Call[]][];
export function extract(root?: string): { messages: Map<string, string[]>; problems: string[] };
export function renderPot(messages: Map<string, string[]>): string;
export function catalogues(root?: string): string[];
