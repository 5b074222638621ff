import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAIN = join(resolve(import.meta.dirname, '../..'), 'electron/main.ts');

/** The `webPreferences` literal of the one `new BrowserWindow(...)` in main.ts, read from its syntax tree (the file imports Electron, which cannot run here). */
function webPreferencesLiteral(): Record<string, unknown> {
  const source = ts.createSourceFile(MAIN, readFileSync(MAIN, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: Record<string, unknown>[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && node.expression.getText() === 'BrowserWindow') {
      const options = node.arguments?.[0];
      if (!options || !ts.isObjectLiteralExpression(options)) throw new Error('BrowserWindow options must be a literal');
      const prefs = options.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'webPreferences');
      if (!prefs || !ts.isObjectLiteralExpression(prefs.initializer)) throw new Error('webPreferences must be a literal');
      const out: Record<string, unknown> = {};
      for (const p of prefs.initializer.properties) {
        if (!ts.isPropertyAssignment(p)) throw new Error(`unexpected ${p.getText()}`);
        const v = p.initializer;
        out[p.name.getText()] = v.kind === ts.SyntaxKind.TrueKeyword ? true : v.kind === ts.SyntaxKind.FalseKeyword ? false : ts.isStringLiteral(v) ? v.text : `<${v.getText()}>`;
      }
      found.push(out);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('the desktop window', () => {
  it('has exactly these webPreferences (Electron security checklist)', () => {
    expect(webPreferencesLiteral()).toEqual({
      preload: "<join(import.meta.dirname, 'preload.cjs')>",
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: false,
    });
  });
});
