// The one part of jsdom the demo specs use; the project has no @types/jsdom.
declare module 'jsdom' {
  export class JSDOM {
    constructor(html: string, options?: { runScripts?: 'outside-only'; url?: string });
    readonly window: Window & typeof globalThis & { eval(code: string): unknown };
  }
}
