// Types for the tests of the release zip (the module itself is plain JavaScript).
export const KEY: string;
export const SHIPPED: string[];
export function shippedFiles(root?: string): string[];
export function releaseMetadata(root?: string): { version: string; releaseDate: string };
export function packageExtension(options?: { outDir?: string; writeBundle?: boolean }): Promise<{
  path: string;
  size: number;
  files: number;
  entries: string[];
}>;
