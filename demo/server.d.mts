// Types for the tests that start the demo in-process (the server itself is plain JavaScript).
export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

export function startDemoServer(options?: {
  host?: string;
  port?: number;
  dataFile?: string;
  log?: (line: string) => void;
}): Promise<DemoServer>;
