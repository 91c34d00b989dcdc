/**
 * Just enough of a Dockerfile and a .dockerignore to check the image build's inputs without Docker (no daemon and no
 * registry here). Dockerfile: instructions with `\` continuations and `#` comments
 * (https://docs.docker.com/reference/dockerfile/). .dockerignore: one pattern per line, `!` re-includes, the last
 * matching pattern wins, a pattern matching a directory matches everything under it, `*` does not cross `/`, `**`
 * does (https://docs.docker.com/build/concepts/context/#dockerignore-files).
 */

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i;
    let logical = lines[i]!;
    while (logical.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (next.trim().startsWith('#')) continue;
      logical = `${logical.trimEnd().slice(0, -1)} ${next.trim()}`;
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(logical);
    if (!match) throw new Error(`Dockerfile:${start + 1}: cannot read "${first}"`);
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start + 1 });
  }
  return instructions;
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` is zero or more directories; a trailing `**` is anything.
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i++;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether `path` (relative to the context, `/`-separated) is left out of the build context. */
export function isIgnored(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = (negated ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negated, regex: globToRegExp(pattern) };
    });
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negated;
  }
  return ignored;
}
