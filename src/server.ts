import { runService } from './run-server.js';

// `npm start`: the service, configured by environment.
await runService();
