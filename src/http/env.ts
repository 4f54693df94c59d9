import type { Principal } from '../access/api-keys.js';
import type { Services } from '../services.js';

export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    principal: Principal;
  };
}
