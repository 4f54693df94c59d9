import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { docCommands } from '../helpers/docs.js';

/**
 * The OpenAPI document as a vendor meets it: linted with Redocly's recommended rules, turned into
 * TypeScript types by openapi-typescript with default settings, and checked against what the
 * service actually sends.
 */

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

async function openapiDocument(): Promise<Json> {
  const { call } = await testApp();
  const response = await call('GET', '/openapi.json');
  expect(response.status).toBe(200);
  return response.json;
}

function operationsOf(doc: Json): Array<{ method: string; path: string; operation: Json }> {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method] as Json })),
  );
}

function scratchDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-openapi-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('operations', () => {
  it('each have a unique operationId named for generated clients', async () => {
    const operations = operationsOf(await openapiDocument());
    expect(operations.length).toBeGreaterThanOrEqual(19);
    for (const { method, path, operation } of operations) {
      expect(operation.operationId, `${method.toUpperCase()} ${path} needs an operationId`).toMatch(/^[a-z]+[A-Z][A-Za-z]*$/);
    }
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['createCheck', 'answerCheck', 'recordOutcome', 'getCheck', 'listKeys', 'createKey', 'revokeKey', 'getRules']));
  });

  it('declare X-Request-Id on every response, and document their 4xx as problem+json', async () => {
    for (const { method, path, operation } of operationsOf(await openapiDocument())) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        expect(response.headers?.['X-Request-Id'], `${method} ${path} ${status}`).toEqual({ $ref: '#/components/headers/RequestId' });
        if (status.startsWith('4') || status.startsWith('5')) {
          expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
        }
      }
    }
  });
});

describe('response headers', () => {
  const watched = ['idempotent-replayed', 'location', 'etag', 'retry-after', 'www-authenticate', 'cache-control', 'content-disposition', 'x-request-id'];

  /** The headers of `response` that the document must declare for this operation and status. */
  function undeclared(doc: Json, method: string, template: string, response: Response): string[] {
    const declared = Object.keys(doc.paths[template][method].responses[String(response.status)]?.headers ?? {}).map((name) => name.toLowerCase());
    return watched.filter((name) => response.headers.has(name) && !declared.includes(name));
  }

  it('are declared wherever the service sends them', async () => {
    const doc = await openapiDocument();
    // lp.example.com resolves to a public address here; the webhook is only made, nothing is sent.
    const { app, adminKey, makeKey } = await testApp({ webhookResolve: async () => ['93.184.215.14'] });
    const send = (method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
      app.request(path, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const till = await makeKey('till', [STORE]);
    const analyst = await makeKey('analyst');
    const check = aCheck({ customer: { ageBand: '80_plus' }, lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 5 }] });

    const created = await send('POST', '/v1/checks', till, check);
    const { checkId } = (await created.clone().json()) as { checkId: string };
    const rules = await send('GET', '/v1/rules', till);
    const policy = await send('GET', '/v1/rules/offline-policy', till);
    const exchanges: Array<[string, string, Response]> = [
      ['post', '/v1/checks', created],
      ['post', '/v1/checks', await send('POST', '/v1/checks', till, check)],
      ['post', '/v1/checks/{checkId}/answers', await send('POST', `/v1/checks/${checkId}/answers`, till, { answers: { purpose: 'gift' } })],
      ['post', '/v1/checks/{checkId}/answers', await send('POST', `/v1/checks/${checkId}/answers`, till, { answers: { purpose: 'gift' } })],
      ['post', '/v1/checks/{checkId}/review', await send('POST', `/v1/checks/${checkId}/review`, till, { decision: 'release', supervisorRef: 'S0042' })],
      ['post', '/v1/checks/{checkId}/review', await send('POST', `/v1/checks/${checkId}/review`, till, { decision: 'release', supervisorRef: 'S0042' })],
      ['post', '/v1/checks/{checkId}/outcome', await send('POST', `/v1/checks/${checkId}/outcome`, till, { outcome: 'proceeded' })],
      ['post', '/v1/checks/{checkId}/outcome', await send('POST', `/v1/checks/${checkId}/outcome`, till, { outcome: 'proceeded' })],
      ['get', '/v1/checks/{checkId}', await send('GET', `/v1/checks/${checkId}`, till)],
      ['post', '/v1/checks', await send('POST', '/v1/checks', undefined, check)],
      ['post', '/v1/checks', await send('POST', '/v1/checks', 'vsk_not_a_key_at_all_0000000000000000', check)],
      ['get', '/v1/rules', rules],
      ['get', '/v1/rules', await send('GET', '/v1/rules', till, undefined, { 'if-none-match': rules.headers.get('etag')! })],
      ['get', '/v1/rules/offline-policy', policy],
      ['get', '/v1/rules/offline-policy', await send('GET', '/v1/rules/offline-policy', till, undefined, { 'if-none-match': policy.headers.get('etag')! })],
      ['post', '/v1/keys', await send('POST', '/v1/keys', adminKey, { role: 'till', name: 'Hitchin tills', storeIds: [STORE] })],
      ['get', '/v1/reports/summary', await send('GET', '/v1/reports/summary', analyst)],
      ['get', '/v1/reports/checks.csv', await send('GET', '/v1/reports/checks.csv', analyst)],
      ['get', '/v1/reports/holds', await send('GET', '/v1/reports/holds', analyst)],
      ['get', '/v1/reviews', await send('GET', '/v1/reviews', analyst)],
      ['post', '/v1/webhooks', await send('POST', '/v1/webhooks', adminKey, { url: 'https://lp.example.com/hooks', events: ['check.held'] })],
    ];
    const statuses = exchanges.map(([, , response]) => response.status);
    expect(statuses).toEqual([201, 200, 200, 200, 200, 200, 201, 200, 200, 401, 401, 200, 304, 200, 304, 201, 200, 200, 200, 200, 201]);
    for (const [method, template, response] of exchanges) {
      expect(undeclared(doc, method, template, response), `${method.toUpperCase()} ${template} ${response.status}`).toEqual([]);
    }
  });
});

describe('redocly lint, recommended rules', () => {
  it('finds no error and no warning', async () => {
    const dir = scratchDirectory();
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(await openapiDocument()));
    const cli = join(process.cwd(), 'node_modules', '.bin', 'redocly');
    const run = promisify(execFile);
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    // Exits non-zero on errors but not on warnings: the JSON report says both.
    const { stdout } = await run(cli, ['lint', file, '--config', 'redocly.yaml', '--format', 'json'], { env, maxBuffer: 10 * 1024 * 1024 }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
    );
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }> };
    // The one exception: the liveness probe answers every GET with 200 (no key, no input), so it has no 4xx to document.
    const exempt = (problem: { ruleId: string; location: Array<{ pointer: string }> }) =>
      problem.ruleId === 'operation-4xx-response' && problem.location[0]?.pointer === '#/paths/~1livez/get/responses';
    const problems = report.problems.filter((problem) => !exempt(problem)).map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: report.problems.filter(exempt).length });
    expect(report.problems.filter(exempt)).toHaveLength(1);
  });
});

interface RequestExample {
  operationId: string;
  body?: unknown;
  query?: Record<string, string | string[]>;
}

/** The curl requests of the README and docs/, each matched to the documented operation it calls. */
function readmeRequests(doc: Json): RequestExample[] {
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  return docCommands()
    .map(({ words }) => words)
    .filter((words) => words[0] === 'curl')
    .map((words) => ({ words, url: new URL(words.find((word) => /^https?:\/\//.test(word))!) }))
    // The API's operations; the document itself (GET /openapi.json) is not one of them.
    .filter(({ url }) => url.pathname.startsWith('/v1/'))
    .map(({ words, url }) => {
      const data = words.indexOf('-d');
      const explicit = words.indexOf('-X');
      const method = explicit >= 0 ? words[explicit + 1]!.toLowerCase() : data >= 0 ? 'post' : 'get';
      const template = templates.find(({ pattern }) => pattern.test(url.pathname))?.template;
      const operationId = template && doc.paths[template][method]?.operationId;
      if (!operationId) throw new Error(`The docs call ${method.toUpperCase()} ${url.pathname}, which the document does not describe`);
      const query: Record<string, string | string[]> = {};
      for (const name of new Set(url.searchParams.keys())) {
        const values = url.searchParams.getAll(name);
        query[name] = values.length === 1 ? values[0]! : values;
      }
      return {
        operationId,
        ...(data >= 0 ? { body: JSON.parse(words[data + 1]!) } : {}),
        ...(url.searchParams.size > 0 ? { query } : {}),
      };
    });
}

describe('types generated by openapi-typescript with default settings', () => {
  it('accept the request examples of the README and docs/ and name the shapes a till renders', async () => {
    const doc = await openapiDocument();
    const examples = readmeRequests(doc);
    expect(examples.map((example) => example.operationId)).toEqual(
      expect.arrayContaining(['createKey', 'createCheck', 'answerCheck', 'recordOutcome', 'getReportSummary', 'exportChecks']),
    );

    const dir = scratchDirectory();
    writeFileSync(join(dir, 'api.d.ts'), astToString(await openapiTS(doc as never)));
    const preamble = [
      "import type { components, operations } from './api';",
      "type JsonBody<K extends keyof operations> = NonNullable<operations[K]['requestBody']> extends { content: { 'application/json': infer B } } ? B : never;",
      "type Query<K extends keyof operations> = NonNullable<operations[K]['parameters']['query']>;",
      'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
      '',
    ].join('\n');
    const statements = examples.flatMap(({ operationId, body, query }, index) => [
      ...(body !== undefined ? [`export const body${index}: JsonBody<'${operationId}'> = ${JSON.stringify(body)};`] : []),
      ...(query !== undefined ? [`export const query${index}: Query<'${operationId}'> = ${JSON.stringify(query)};`] : []),
    ]);
    writeFileSync(
      join(dir, 'examples.ts'),
      preamble +
        [
          ...statements,
          "type Decision = operations['createCheck']['responses'][201]['content']['application/json'];",
          "export const promptIsNamedAndNullable: Equal<Decision['prompt'], components['schemas']['Prompt'] | null> = true;",
          "export const decisionIsNamed: Equal<Decision, components['schemas']['Decision']> = true;",
          "export const problemIsNamed: Equal<operations['createCheck']['responses'][400]['content']['application/problem+json'], components['schemas']['Problem']> = true;",
        ].join('\n'),
    );
    // The same check must bite: a misspelt signal is refused by the service, so the types refuse it too.
    const readmeCheck = examples.find((example) => example.operationId === 'createCheck')!.body as Json;
    writeFileSync(
      join(dir, 'misspelt.ts'),
      `${preamble}export const misspelt: JsonBody<'createCheck'> = ${JSON.stringify({ ...readmeCheck, signals: { phoneInuse: true } })};\n`,
    );

    const program = ts.createProgram([join(dir, 'examples.ts'), join(dir, 'misspelt.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const messages = (file: string) =>
      diagnostics.filter((d) => d.file?.fileName.endsWith(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages('examples.ts')).toEqual([]);
    expect(messages('misspelt.ts').join('\n')).toContain('phoneInuse');
  });
});
