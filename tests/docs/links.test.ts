import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownPages } from '../helpers/docs.js';

// Links between the pages survive their moves: every relative link leads to a file, and every #anchor
// to a heading there, as GitHub names it.
const ROOT = join(import.meta.dirname, '..', '..');
const PAGES = [...markdownPages(), 'sdk/CHANGELOG.md', '.changeset/README.md'];

/** Markdown without its fenced code, where a `](…)` is code, not a link. */
const prose = (file: string) => readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```\s*$/gm, '');

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading = ''] of prose(file).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/<[^>]*>/g, (tag) => tag.replace(/[<>]/g, ''))
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    out.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return out;
}

describe('links in the documentation', () => {
  it('lead to files that exist and headings that are there', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const file = join(ROOT, page);
      for (const [, target = ''] of prose(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const to = path === '' ? file : join(dirname(file), path);
        if (!existsSync(to)) {
          broken.push(`${page}: ${target} (no ${relative(ROOT, to)})`);
        } else if (anchor !== undefined && (!statSync(to).isFile() || !anchors(to).has(anchor))) {
          broken.push(`${page}: ${target} (no heading #${anchor} in ${relative(ROOT, to)})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('are checked, and the anchors computed as GitHub does', () => {
    const tillGuide = anchors(join(ROOT, 'docs/till-integration.md'));
    expect(tillGuide).toContain('tills-in-other-languages-deciding-offline');
    expect(anchors(join(ROOT, 'sdk/README.md'))).toContain('the-colleagues-screen-vouchsafe-prompt');
  });
});
