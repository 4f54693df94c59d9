import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// A till written in TypeScript must be able to name every type the SDK's calls take or return: a
// `HoldState` it can only get from `ReturnType<…>` is a type the SDK forgot to export. This walks the
// public surface with the compiler, from each entry point's exports through the interfaces, classes,
// functions and type aliases they name, and lists each type of ours named on the way that no entry
// point exports.
const ROOT = join(import.meta.dirname, '../..');
const NAMED_TYPE = ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum;
// Exported by name, and handed back and forth whole: a caller never names what is inside.
const OPAQUE = new Set(['CompiledRuleSet']);
const ENTRY_POINTS = ['sdk/src/index.ts', 'sdk/src/node.ts', 'sdk/src/prompt/index.ts', 'sdk/src/outbox/conformance.ts'];

function unexportedTypes(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(
    ENTRY_POINTS.map((entry) => join(ROOT, entry)),
    config.options,
  );
  const checker = program.getTypeChecker();
  const resolve = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const ours = (node: ts.Node) => {
    const file = node.getSourceFile().fileName;
    return !file.includes('/node_modules/') && !program.isSourceFileDefaultLibrary(node.getSourceFile());
  };

  const exported = new Set<ts.Symbol>();
  for (const entry of ENTRY_POINTS) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(join(ROOT, entry))!)!;
    for (const symbol of checker.getExportsOfModule(module)) exported.add(resolve(symbol));
  }

  const missing = new Map<string, Set<string>>();
  const seen = new Set<ts.Symbol>();
  const queue = [...exported];

  // What a declaration shows a caller: not a function's body, nor a class's private members.
  function publicParts(declaration: ts.Declaration): ts.Node[] {
    if (ts.isClassDeclaration(declaration)) {
      return [
        ...(declaration.heritageClauses ?? []),
        ...declaration.members.filter((member) => !(member.name && ts.isPrivateIdentifier(member.name)) && !(ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))),
      ].flatMap((member) => (ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member) || ts.isAccessor(member) ? signatureOf(member) : [member]));
    }
    if (ts.isFunctionDeclaration(declaration)) return signatureOf(declaration);
    if (ts.isVariableDeclaration(declaration)) return declaration.type ? [declaration.type] : [];
    if (ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration)) return [declaration];
    return [];
  }

  function signatureOf(node: ts.SignatureDeclaration): ts.Node[] {
    return [...node.parameters.map((parameter) => parameter.type).filter((type) => type !== undefined), ...(node.type ? [node.type] : [])];
  }

  function visit(node: ts.Node, owner: string): void {
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const found = checker.getSymbolAtLocation(name);
      const symbol = found && resolve(found);
      const declaration = symbol?.declarations?.[0];
      // Only named types declared in this repository count: not a type parameter, nor a value a class extends.
      if (symbol && declaration && ours(declaration) && symbol.flags & NAMED_TYPE && !exported.has(symbol)) {
        const where = `${symbol.name} (${relative(ROOT, declaration.getSourceFile().fileName)})`;
        if (!missing.has(where)) missing.set(where, new Set());
        missing.get(where)!.add(owner);
      }
    }
    // `typeof Schema` names a value (a zod schema), not a type a caller writes.
    if (ts.isTypeQueryNode(node)) return;
    ts.forEachChild(node, (child) => visit(child, owner));
  }

  while (queue.length > 0) {
    const symbol = queue.shift()!;
    if (seen.has(symbol) || OPAQUE.has(symbol.name)) continue;
    seen.add(symbol);
    for (const declaration of symbol.declarations ?? []) {
      if (!ours(declaration)) continue;
      for (const part of publicParts(declaration)) visit(part, symbol.name);
    }
  }
  return [...missing].map(([type, owners]) => `${type}, named by ${[...owners].sort().join(', ')}`).sort();
}

describe('the SDK’s public types', () => {
  it('exports every type its exported calls, classes and types name', { timeout: 120_000 }, () => {
    expect(unexportedTypes()).toEqual([]);
  });
});
