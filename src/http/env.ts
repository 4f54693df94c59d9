import type { Principal } from '../access/api-keys.js';
import type { Services } from '../services.js';
import type { FailedKeys } from './failed-keys.js';

/** How this listener meets the network: set once per app, read by authentication and the dashboard. */
export interface Edge {
  readonly trustProxy: boolean;
  readonly failedKeys: FailedKeys;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    principal: Principal;
    edge: Edge;
  };
}
