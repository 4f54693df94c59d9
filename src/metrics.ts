import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly decisions: Counter<'action' | 'trigger'>;
  readonly decisionSeconds: Histogram<'trigger'>;
  readonly ruleErrors: Counter<'rule'>;
  readonly outcomes: Counter<'outcome'>;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestSeconds: Histogram<'method' | 'route'>;
  readonly commitSize: Histogram;
  readonly databaseRoundTrips: Counter;
  readonly databaseWaitSeconds: Counter;
  readonly webhookAttempts: Counter<'result'>;
  readonly exchangeAsked: Counter<'status'>;
  readonly connectionsOpen: Gauge;
  readonly connectionsRefused: Counter<'reason'>;
  readonly connectionsShed: Counter;
}

/** One registry per app, so tests can build many apps; process metrics only where asked (the server). */
export function createMetrics({ processMetrics = false, inFlight }: { processMetrics?: boolean; inFlight?: () => number } = {}): Metrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'vouchsafe_' });
  if (inFlight) {
    // What a stopping node still has to answer, and what a load balancer's spread looks like per node.
    new Gauge({
      name: 'vouchsafe_http_requests_in_flight',
      help: 'HTTP requests being answered right now.',
      registers: [registry],
      collect() {
        this.set(inFlight());
      },
    });
  }
  const fast = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
  return {
    registry,
    decisions: new Counter({
      name: 'vouchsafe_decisions_total',
      help: 'Decisions made, by action and by what triggered them (check, basket_changed, answers).',
      labelNames: ['action', 'trigger'],
      registers: [registry],
    }),
    decisionSeconds: new Histogram({
      name: 'vouchsafe_decision_seconds',
      help: 'Time to decide and record a check: history windows, rules and the write.',
      labelNames: ['trigger'],
      buckets: fast,
      registers: [registry],
    }),
    ruleErrors: new Counter({
      name: 'vouchsafe_rule_errors_total',
      help: 'Rules that failed at run time (counted as not matched).',
      labelNames: ['rule'],
      registers: [registry],
    }),
    outcomes: new Counter({
      name: 'vouchsafe_outcomes_total',
      help: 'Outcomes recorded, by kind.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'vouchsafe_http_requests_total',
      help: 'HTTP requests, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'vouchsafe_http_request_seconds',
      help: 'HTTP request latency, by method and route.',
      labelNames: ['method', 'route'],
      buckets: fast,
      registers: [registry],
    }),
    exchangeAsked: new Counter({
      name: 'vouchsafe_exchange_asked_total',
      help: 'Checks that asked the retailers’ exchange, by status: answered, timed_out, unreachable, refused, circuit_open.',
      labelNames: ['status'],
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: 'vouchsafe_webhook_attempts_total',
      help: 'Webhook delivery attempts, by result: delivered, retrying (failed, tried again later) or failed (given up).',
      labelNames: ['result'],
      registers: [registry],
    }),
    connectionsOpen: new Gauge({
      name: 'vouchsafe_http_connections_open',
      help: 'Connections open to the API listener.',
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'vouchsafe_http_connections_refused_total',
      help: 'Connections closed on arrival: too many from one address (per_client) or in all with no heavier holder to shed (total).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    connectionsShed: new Counter({
      name: 'vouchsafe_http_connections_shed_total',
      help: 'Connections closed at the total cap to admit an address holding fewer: the oldest of the address holding the most.',
      registers: [registry],
    }),
    commitSize: new Histogram({
      name: 'vouchsafe_db_commit_transactions',
      help: 'Transactions carried by each database commit (group commit: the writes of one event-loop turn share one).',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    databaseRoundTrips: new Counter({
      name: 'vouchsafe_db_round_trips_total',
      help: 'PostgreSQL: times this node sent statements and waited for their answers (statements sent together, pipelined, are one).',
      registers: [registry],
    }),
    databaseWaitSeconds: new Counter({
      name: 'vouchsafe_db_wait_seconds_total',
      help: 'PostgreSQL: seconds this node’s connections had a statement sent and its answer not yet read, summed over connections (the network, the server, and this node’s own event loop under load).',
      registers: [registry],
    }),
  };
}
