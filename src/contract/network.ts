import { z } from 'zod';
import { NetworkFacts } from './fact-schema.js';

/**
 * What a member's check recorded about the exchange: whether it answered in time, and what it said.
 * `not_asked`: no exchange configured, a test check, no payment token or no stored value.
 */
export const NetworkStatus = z.enum(['answered', 'timed_out', 'unreachable', 'refused', 'circuit_open', 'not_asked']).meta({
  id: 'NetworkStatus',
  description:
    '`answered`: the exchange answered within the timeout. `timed_out`: not within it. `unreachable`: no connection. `refused`: it answered with an error. `circuit_open`: not asked, after repeated failures. `not_asked`: no exchange, a test check, no payment token or no stored value.',
});
export type NetworkStatus = z.infer<typeof NetworkStatus>;

export const NetworkSignal = z
  .object({ status: NetworkStatus, facts: NetworkFacts })
  .meta({ id: 'NetworkSignal', description: 'What the retailers’ exchange said when this decision was made, and the network facts the rules saw.' });
export type NetworkSignal = z.infer<typeof NetworkSignal>;
