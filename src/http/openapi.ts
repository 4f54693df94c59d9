import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env.js';
import { REQUEST_ID_HEADER, RESPONSE_HEADERS } from './routes/responses.js';

type Json = Record<string, unknown>;
type DocumentConfig = Parameters<OpenAPIHono<AppEnv>['getOpenAPI31Document']>[0];

const SCHEMA_REF = '#/components/schemas/';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Serves `GET /openapi.json`: the document generated from the routes' zod schemas, finished in two
 * ways a generator cannot see from zod alone. Built once, on first request (every route is
 * registered by then).
 */
export function registerOpenApiDocument(app: OpenAPIHono<AppEnv>, config: DocumentConfig) {
  for (const [name, definition] of Object.entries(RESPONSE_HEADERS)) app.openAPIRegistry.registerComponent('headers', name, definition);
  let document: Json | undefined;
  app.get('/openapi.json', (c) => {
    document ??= finishDocument(app.getOpenAPI31Document(config) as unknown as Json);
    return c.json(document);
  });
}

/**
 * - Every response carries `X-Request-Id` (the request-id middleware sets it on all of them).
 * - A request body whose schema, or an object inside it, gives a property a `default` becomes a named
 *   `components.requestBodies` entry with those objects written out in place. Generators read a
 *   `default` in a shared schema as "always present" (right for a response, wrong for a request:
 *   openapi-typescript's default settings then make the till send every defaulted field), and
 *   they read it as optional only inside a request body. Schemas left unused by that are dropped.
 */
function finishDocument(document: Json): Json {
  const components = document.components as Json;
  const schemas = components.schemas as Record<string, Json>;
  const requestBodies: Record<string, Json> = (components.requestBodies as Record<string, Json> | undefined) ?? {};
  const defaultsInside = objectsWithDefaults(schemas);

  for (const pathItem of Object.values(document.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      for (const response of Object.values(operation.responses as Record<string, Json>)) {
        response.headers = { ...(response.headers as Json | undefined), ...REQUEST_ID_HEADER };
      }
      const body = operation.requestBody;
      if (!isObject(body) || !isObject(body.content)) continue;
      const media = Object.values(body.content).find(isObject);
      const schema = media?.schema;
      if (!media || !isObject(schema) || !hasPropertyDefault(schema, defaultsInside)) continue;
      const name = typeof schema.$ref === 'string' ? schema.$ref.slice(SCHEMA_REF.length) : `${String(operation.operationId)}Body`;
      const content = Object.fromEntries(
        Object.entries(body.content).map(([type, entry]) => [type, { ...(entry as Json), schema: inline(schema, schemas, defaultsInside, []) }]),
      );
      const description = schemas[name]?.description;
      requestBodies[name] = { ...body, ...(typeof description === 'string' ? { description } : {}), content };
      operation.requestBody = { $ref: `#/components/requestBodies/${name}` };
    }
  }
  if (Object.keys(requestBodies).length > 0) components.requestBodies = requestBodies;
  dropUnusedSchemas(document);
  return document;
}

/** Names of the schemas that give a property a default, or hold (through references) one that does. */
function objectsWithDefaults(schemas: Record<string, Json>): Set<string> {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, schema] of Object.entries(schemas)) {
      if (!found.has(name) && hasPropertyDefault(schema, found)) {
        found.add(name);
        grew = true;
      }
    }
  }
  return found;
}

function hasPropertyDefault(schema: unknown, found: ReadonlySet<string>): boolean {
  if (Array.isArray(schema)) return schema.some((item) => hasPropertyDefault(item, found));
  if (!isObject(schema)) return false;
  if (typeof schema.$ref === 'string') return found.has(schema.$ref.slice(SCHEMA_REF.length));
  if (isObject(schema.properties) && Object.values(schema.properties).some((property) => isObject(property) && property.default !== undefined)) return true;
  return Object.values(schema).some((value) => hasPropertyDefault(value, found));
}

/** The schema with every reference to a schema that carries defaults written out in place. */
function inline(schema: unknown, schemas: Record<string, Json>, defaultsInside: ReadonlySet<string>, stack: readonly string[]): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, schemas, defaultsInside, stack));
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith(SCHEMA_REF)) {
    const name = schema.$ref.slice(SCHEMA_REF.length);
    if (!defaultsInside.has(name)) return schema;
    if (stack.includes(name)) throw new Error(`The request schema ${name} refers to itself; it cannot be written out in place`);
    const { $ref: _ref, ...siblings } = schema;
    return { ...(inline(schemas[name], schemas, defaultsInside, [...stack, name]) as Json), ...siblings };
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value, schemas, defaultsInside, stack)]));
}

function dropUnusedSchemas(document: Json): void {
  const components = document.components as Json;
  const schemas = components.schemas as Record<string, Json>;
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isObject(value)) return;
    if (typeof value.$ref === 'string' && value.$ref.startsWith(SCHEMA_REF)) {
      const name = value.$ref.slice(SCHEMA_REF.length);
      if (!used.has(name)) {
        used.add(name);
        visit(schemas[name]);
      }
      return;
    }
    Object.values(value).forEach(visit);
  };
  visit(document.paths);
  visit({ ...components, schemas: undefined });
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}
