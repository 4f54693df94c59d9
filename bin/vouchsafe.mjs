#!/usr/bin/env node
// The `vouchsafe` command: Node runs this plain module, which teaches it TypeScript, then the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
