import type { HttpBindings } from '@hono/node-server';
import type { Principal } from '../access/api-keys.js';
import type { Services } from '../services.js';
import type { FailedKeys } from './failed-keys.js';

/** How this listener meets the network: set once per app, read by authentication and the dashboard. */
export interface Edge {
  readonly trustProxy: boolean;
  readonly failedKeys: FailedKeys;
}

export interface AppEnv {
  /** What @hono/node-server hands each request; nothing under `app.request()` or another runtime. */
  Bindings: Partial<HttpBindings> | undefined;
  Variables: {
    requestId: string;
    services: Services;
    principal: Principal;
    edge: Edge;
  };
}
