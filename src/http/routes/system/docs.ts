import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from '../../env.js';

// Served from the package itself, not a CDN: stores run on closed networks.
const swaggerDirectory = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assets = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', file: 'swagger-ui.css' },
  'swagger-ui-bundle.js': { type: 'text/javascript; charset=utf-8', file: 'swagger-ui-bundle.js' },
} as const;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Vouchsafe API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, tryItOutEnabled: false });
  </script>
</body>
</html>`;

export function registerDocs(app: Hono<AppEnv>) {
  const cache = new Map<string, string>();
  app.get('/docs', (c) => c.html(page));
  app.get('/docs/:asset{swagger-ui\\.css|swagger-ui-bundle\\.js}', (c) => {
    const asset = assets[c.req.param('asset') as keyof typeof assets];
    let body = cache.get(asset.file);
    if (body === undefined) {
      body = readFileSync(join(swaggerDirectory, asset.file), 'utf8');
      cache.set(asset.file, body);
    }
    return c.body(body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' });
  });
}
