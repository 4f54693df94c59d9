import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { editedRules, RAZER_RULE } from '../helpers/rules.js';

const razerCard = { lines: [{ kind: 'gift_card' as const, brand: 'razer_gold', unitAmount: 5000 }] };

async function setUp(options: Parameters<typeof testApp>[0] = {}) {
  const app = await testApp(options);
  const till = await app.makeKey('till', [STORE]);
  const analyst = await app.makeKey('analyst');
  const decide = async (body = aCheck(razerCard)) => (await app.call('POST', '/v1/checks', { key: till, body })).json;
  const publish = (body: unknown, key = app.adminKey, query = '') => app.call('PUT', `/v1/rules${query}`, { key, body });
  return { ...app, till, analyst, decide, publish };
}

describe('publishing a rule set', () => {
  it('refuses a set that does not type-check, naming file, rule and line, and changes nothing', async () => {
    const { publish, call, analyst, services, decide } = await setUp();
    const before = services.rules.current.version;
    const broken = editedRules({ file: 'history.yaml', replace: ['history.h1.checks >= 1', 'history.h1.chekcs >= 1'] });
    const response = await publish(broken);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json.code).toBe('rule_set_invalid');
    expect(response.json.problems).toEqual([expect.objectContaining({ file: 'history.yaml', ruleId: 'back-within-the-hour', line: 11 })]);
    expect(response.json.problems[0].message).toContain('chekcs');
    expect((await call('GET', '/v1/rules', { key: analyst })).json.version).toBe(before);
    expect((await call('GET', '/v1/rules/versions', { key: analyst })).json.versions).toHaveLength(1);
    expect((await decide()).action).toBe('allow');
  });

  it('refuses a set whose own tests fail, saying what each expected and got', async () => {
    const { publish, services } = await setUp();
    const before = services.rules.current.version;
    const loosened = editedRules({ file: 'value-and-age.yaml', replace: ['score: 30', 'score: 5'] });
    const response = await publish(loosened);
    expect(response.status).toBe(422);
    expect(response.json.failedTests.map((t: { name: string }) => t.name)).toContain(
      'Markyate — 87-year-old buying £500 of iTunes vouchers, nothing else noticed, is held',
    );
    expect(response.json.failedTests[0].failures[0]).toMatch(/action: expected \w+, got \w+/);
    expect(services.rules.current.version).toBe(before);
  });

  it('makes a good set decide the next check, without a restart, and audits it', async () => {
    const { publish, decide, call, analyst, services } = await setUp();
    const before = services.rules.current.version;
    expect((await decide()).action).toBe('allow');
    const response = await publish({ ...editedRules({ file: 'razer.yaml', append: RAZER_RULE }), note: 'Hold Razer Gold cards over £50' });
    expect(response.status).toBe(200);
    // A new rule publishes before its Welsh wording exists; the lint says so.
    expect(response.json).toMatchObject({
      status: 'active',
      previousVersion: before,
      warnings: ["prompts/cy-GB.yaml [razer-gold-over-50]: reasons: does not word this rule, so cy-GB colleagues read its reason in the rules' language"],
    });
    expect(response.json.tests.passed).toBe(response.json.tests.total);
    const after = await decide();
    expect(after.action).toBe('hold');
    expect(after.ruleSetVersion).toBe(response.json.version);

    const versions = (await call('GET', '/v1/rules/versions', { key: analyst })).json;
    expect(versions.active).toBe(response.json.version);
    expect(versions.versions.map((v: { version: string }) => v.version)).toEqual([response.json.version, before]);
    const audit = (await services.store.audit.recent(5)).find((entry) => entry.action === 'rules.published');
    expect(audit).toMatchObject({ subject: response.json.version, detail: { from: before, to: response.json.version, note: 'Hold Razer Gold cards over £50' } });
  });

  it('rolls back with one call, restoring the old decisions', async () => {
    const { publish, decide, call, adminKey, services } = await setUp();
    const original = services.rules.current.version;
    await publish(editedRules({ file: 'razer.yaml', append: RAZER_RULE }));
    expect((await decide()).action).toBe('hold');
    const rolledBack = await call('POST', '/v1/rules/rollback', { key: adminKey });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.json.version).toBe(original);
    const decision = await decide();
    expect(decision).toMatchObject({ action: 'allow', ruleSetVersion: original });
    expect((await services.store.audit.recent(1))[0]).toMatchObject({ action: 'rules.rolled_back', subject: original });
    // Publishing the same files again activates the stored version rather than making a copy.
    const again = await publish(editedRules({ file: 'razer.yaml', append: RAZER_RULE }));
    expect(again.json.status).toBe('active');
    expect((await call('GET', '/v1/rules/versions', { key: adminKey })).json.versions).toHaveLength(2);
  });

  it('validates without storing on a dry run, and says when nothing changed', async () => {
    const { publish, services, call, adminKey } = await setUp();
    const before = services.rules.current.version;
    const dry = await publish(editedRules({ file: 'razer.yaml', append: RAZER_RULE }), adminKey, '?dryRun=true');
    expect(dry.json.status).toBe('valid');
    expect(services.rules.current.version).toBe(before);
    expect((await call('GET', '/v1/rules/versions', { key: adminKey })).json.versions).toHaveLength(1);
    const same = await publish(editedRules({ file: 'settings.yaml', append: '' }));
    expect(same.json.status).toBe('unchanged');
  });

  it('refuses other content under a version that exists', async () => {
    const { publish } = await setUp();
    const first = await publish(editedRules({ file: 'settings.yaml', append: '\nversion: 2026.11.25-1\n' }));
    expect(first.json.version).toBe('2026.11.25-1');
    const clash = await publish(editedRules({ file: 'razer.yaml', append: `version: 2026.11.25-1\n${RAZER_RULE}` }));
    expect(clash.status).toBe(409);
  });

  it('lets only admins publish and roll back', async () => {
    const { publish, analyst, till, call } = await setUp();
    for (const key of [analyst, till]) {
      expect((await publish(editedRules({ file: 'razer.yaml', append: RAZER_RULE }), key)).status).toBe(403);
      expect((await call('POST', '/v1/rules/rollback', { key })).status).toBe(403);
    }
  });
});

describe('two-person approval', () => {
  it('holds a published set until a second admin approves it', async () => {
    const { publish, decide, call, adminKey, makeKey, services } = await setUp({ ruleApproval: 'two-person' });
    const before = services.rules.current.version;
    const submitted = await publish(editedRules({ file: 'razer.yaml', append: RAZER_RULE }));
    expect(submitted.status).toBe(202);
    expect(submitted.json.status).toBe('pending_approval');
    expect((await decide()).action).toBe('allow');

    const own = await call('POST', `/v1/rules/versions/${submitted.json.version}/approve`, { key: adminKey });
    expect(own.status).toBe(403);
    const second = await makeKey('admin');
    const approved = await call('POST', `/v1/rules/versions/${submitted.json.version}/approve`, { key: second, body: { note: 'Checked the back-test' } });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'active', previousVersion: before });
    expect((await decide()).action).toBe('hold');
    const actions = (await services.store.audit.recent(10)).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['rules.submitted', 'rules.approved']));
  });

  it('never activates a rejected set', async () => {
    const { publish, call, adminKey, makeKey, services } = await setUp({ ruleApproval: 'two-person' });
    const before = services.rules.current.version;
    const submitted = await publish(editedRules({ file: 'razer.yaml', append: RAZER_RULE }));
    const second = await makeKey('admin');
    expect((await call('POST', `/v1/rules/versions/${submitted.json.version}/reject`, { key: second })).status).toBe(204);
    expect((await call('POST', `/v1/rules/versions/${submitted.json.version}/approve`, { key: second })).status).toBe(409);
    expect((await call('POST', '/v1/rules/rollback', { key: adminKey, body: { version: submitted.json.version } })).status).toBe(409);
    expect(services.rules.current.version).toBe(before);
  });
});
