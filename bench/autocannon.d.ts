// Minimal types for the parts of autocannon 9 the benchmark uses (the package ships none).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface RequestData {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }
    interface Request extends RequestData {
      setupRequest?: (req: RequestData, context: Record<string, unknown>) => RequestData | null;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      timeout?: number;
      requests?: Request[];
    }
    interface Result {
      statusCodeStats?: Record<string, { count: number }>;
      errors: number;
      timeouts: number;
      duration: number;
      latency: { p99: number };
    }
    type Instance = EventEmitter;
  }

  function autocannon(options: autocannon.Options, callback: (err: unknown, result: autocannon.Result) => void): autocannon.Instance;
  export default autocannon;
}
