import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ChecksExportQuery } from '../../../contract/reports.js';
import { CSV_COLUMNS, csvHeaders } from '../../../reports/checks-csv.js';
import { type Period, resolvePeriod } from '../../../reports/period.js';
import { storeScope } from '../../../access/store-scope.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { textStream } from '../../text-stream.js';
import { commonErrors, header, queryErrors } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/reports/checks.csv',
  operationId: 'exportChecks',
  tags: ['Reports'],
  summary: 'Every check in a period, as CSV',
  description: [
    'One row per check whose basket was captured in the period (the store’s calendar days in VOUCHSAFE_TIMEZONE, both ends included: each check’s business day), oldest first: the same checks, counted the same way, as `GET /v1/reports/summary`. Streamed as it is read, so a year of a chain’s checks never sits in memory, and made in a worker thread, so tills are answered first; when every worker is busy, 429 `rate_limited` with `Retry-After`. RFC 4180: a header row, CRLF line ends, fields quoted where needed. Text that a spreadsheet would run as a formula starts with `\'`.',
    '',
    'Never carries a loyalty id or payment token (they are never stored) nor the free-text outcome note. Amounts are integers in minor units of the row’s `currency`.',
    '',
    '| column | meaning |',
    '| --- | --- |',
    ...CSV_COLUMNS.map((column) => `| \`${column.name}\` | ${column.means} |`),
  ].join('\n'),
  middleware: [requireKey({ roles: ['analyst', 'admin'], worlds: 'live' })] as const,
  request: { query: ChecksExportQuery },
  responses: {
    200: {
      description: 'The checks, as an attachment.',
      headers: { ...header.contentDisposition, ...header.cacheControl },
      content: { 'text/csv': { schema: z.string().meta({ example: `${CSV_COLUMNS.map((column) => column.name).join(',')}\r\n` }) } },
    },
    ...queryErrors,
    ...commonErrors,
  },
});

export function registerChecksExport(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { clock, timeZone } = c.get('services');
    const period = resolvePeriod(query, clock(), timeZone);
    const storeIds = storeScope(c.get('principal'), query.storeId);
    return checksCsv(c, period, storeIds);
  });
}

/** The checks of a period as a CSV download, made in a worker: this route's answer, and the dashboard's. */
export async function checksCsv(c: Context<AppEnv>, period: Period, storeIds: string[] | null): Promise<Response> {
  const { store, logger, workers } = c.get('services');
  const filter = { fromDay: period.fromDay, toDay: period.toDay, storeIds };
  const text = await workers.stream({ kind: 'checks-csv', databasePath: store.location, filter }, (error) =>
    logger.error('checks export failed', { requestId: c.get('requestId'), error: error.message }),
  );
  return c.body(textStream(c, text), 200, csvHeaders(period));
}
